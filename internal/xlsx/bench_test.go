package xlsx

import (
	"bytes"
	"io"
	"testing"
)

const benchRows = 100_000

// BenchmarkWrite100k streams 100,000 rows of six columns into a workbook.
// Run with: go test -run '^$' -bench 100k -benchmem ./internal/xlsx/
func BenchmarkWrite100k(b *testing.B) {
	b.ReportAllocs()
	rows := make([][]any, 1000)
	for i := range rows {
		rows[i], _ = testRow(i)
	}
	for b.Loop() {
		w, err := NewWriter(io.Discard, testSheet)
		if err != nil {
			b.Fatal(err)
		}
		for i := range benchRows {
			if err := w.Write(rows[i%len(rows)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead100k reads back 100,000 rows written by Writer.
func BenchmarkRead100k(b *testing.B) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, testSheet)
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchRows {
		values, _ := testRow(i)
		if err := w.Write(values); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	file := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		_, err := Read(bytes.NewReader(file), testSheet, int64(len(file)), func(Row) error {
			n++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if n != benchRows {
			b.Fatalf("read %d rows, want %d", n, benchRows)
		}
	}
	b.ReportMetric(float64(len(file)), "file-bytes")
}
