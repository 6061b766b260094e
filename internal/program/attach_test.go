package program_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"kejiju/internal/auth"
	"kejiju/internal/db"
	"kejiju/internal/db/dbtest"
	"kejiju/internal/i18n"
	"kejiju/internal/program"
)

// pdf is a small PDF whose bytes carry text.
func pdf(text string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + text + "\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// ooxml is a minimal OOXML package with the given part folder ("xl/",
// "word/") and optionally a macro part.
func ooxml(t *testing.T, folder string, macros bool) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := []string{"[Content_Types].xml", "_rels/.rels", folder + "document.xml"}
	if macros {
		names = append(names, folder+"vbaProject.bin")
	}
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><x/>`))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload stores a file in each slot for u: a PDF for the licence and
// other slots, a workbook for the budget sheet.
func (e *env) upload(t *testing.T, u *auth.User, id int64, slots ...string) {
	t.Helper()
	for _, slot := range slots {
		data, name := pdf(slot), slot+".pdf"
		if slot == "budget_sheet" {
			data, name = ooxml(t, "xl/", false), "预算表.xlsx"
		}
		if _, err := e.s.Upload(context.Background(), u, id, slot, name, bytes.NewReader(data)); err != nil {
			t.Fatalf("upload %s: %v", slot, err)
		}
	}
}

func TestSniff(t *testing.T) {
	l := program.DefaultLimits
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"pdf", pdf("x"), program.TypePDF},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), program.TypePNG},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), program.TypeJPEG},
		{"docx", ooxml(t, "word/", false), program.TypeDOCX},
		{"xlsx", ooxml(t, "xl/", false), program.TypeXLSX},
		{"xlsm", ooxml(t, "xl/", true), ""},
		{"html", []byte("<!DOCTYPE html><script>alert(1)</script>"), ""},
		{"html after spaces", []byte("\n\n  <html><body onload=alert(1)>"), ""},
		{"svg", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"exe", append([]byte("MZ\x90\x00"), make([]byte, 100)...), ""},
		{"elf", []byte("\x7fELF\x02\x01\x01"), ""},
		{"script", []byte("#!/bin/sh\nrm -rf /\n"), ""},
		{"text", []byte("纯文本"), ""},
		{"plain zip", func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("run.exe")
			w.Write([]byte("MZ"))
			zw.Close()
			return b.Bytes()
		}(), ""},
		{"empty", nil, ""},
	} {
		if got := program.Sniff(tc.data, l); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSanitizeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"营业执照.pdf", "营业执照.pdf"},
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\win.ini`, "win.ini"},
		{"a\r\nX: y.pdf", "aX_ y.pdf"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"..", ""},
		{"...pdf", "pdf"},
		{"a..b.pdf", "a.b.pdf"},
		{"  报告  .pdf ", "报告  .pdf"},
		{"\x00\x01", ""},
		{strings.Repeat("长", 300) + ".pdf", strings.Repeat("长", 96) + ".pdf"},
	} {
		if got := program.SanitizeName(tc.in, 100); got != tc.want {
			t.Errorf("SanitizeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	got := program.ContentDisposition(`营业执照 "1";.pdf`)
	want := `attachment; filename="____ _1__.pdf"; filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%221%22%3B.pdf`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestAttachments runs the upload, listing, download and delete of
// attachments through the service on both engines.
func TestAttachments(t *testing.T) {
	dbtest.Run(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := setup(t, d, 2)
		call := e.districtCall(t)
		owner, stranger := e.users[0], e.users[1]
		a, err := e.s.CreateDraft(ctx, owner, call.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveDraft(ctx, owner, a.ID, goodAnswers(0)); err != nil {
			t.Fatal(err)
		}
		files := func() int { return count(t, d, `SELECT COUNT(*) FROM attachments`) }
		audits := func(action string) int {
			return count(t, d, `SELECT COUNT(*) FROM audit_events WHERE action = $1 AND object_id = $2`, action, strconv.FormatInt(a.ID, 10))
		}

		// A PDF is stored with its sniffed type and digest.
		body := pdf("营业执照正本")
		f, err := e.s.Upload(ctx, owner, a.ID, "license", "营业执照.pdf", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(body)
		if f.ContentType != program.TypePDF || f.SHA256 != hex.EncodeToString(sum[:]) || f.Size != int64(len(body)) ||
			f.Name != "营业执照.pdf" || f.Slot != "license" || f.ID == 0 {
			t.Fatalf("stored %+v", f)
		}
		var after string
		if err := d.QueryRow(`SELECT after_json FROM audit_events WHERE action = 'program.attachment.upload'`).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(after, f.SHA256) || strings.Contains(after, "营业执照正本") {
			t.Errorf("upload audit: %s", after)
		}

		// Refused: HTML named .pdf, an SVG, an executable, an empty file,
		// a name that contradicts the bytes; nothing written.
		before, auditsBefore := files(), count(t, d, `SELECT COUNT(*) FROM audit_events`)
		for _, tc := range []struct {
			name string
			data []byte
			key  string
		}{
			{"营业执照.pdf", []byte("<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"), "program.attachment.bad_type"},
			{"logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "program.attachment.bad_type"},
			{"scan.pdf", append([]byte("MZ\x90\x00\x03"), make([]byte, 200)...), "program.attachment.bad_type"},
			{"empty.pdf", nil, "program.attachment.empty"},
			{"预算表.xlsx", pdf("x"), "program.attachment.ext_mismatch"},
			{"invoice\u202Efdp.exe", pdf("x"), "program.attachment.ext_mismatch"},
		} {
			_, err := e.s.Upload(ctx, owner, a.ID, "license", tc.name, bytes.NewReader(tc.data))
			if i18n.ErrorCode(err) != i18n.Invalid || fields(err)["attachment_license"] != tc.key {
				t.Errorf("upload %q: %v %v, want %s on attachment_license", tc.name, err, fields(err), tc.key)
			}
		}
		// Oversize: one byte over 20 MB.
		big := append(pdf("big"), make([]byte, 20<<20)...)
		if _, err := e.s.Upload(ctx, owner, a.ID, "license", "大文件.pdf", bytes.NewReader(big)); fields(err)["attachment_license"] != "program.attachment.too_large" {
			t.Errorf("oversize upload: %v", err)
		}
		if _, err := e.s.Upload(ctx, owner, a.ID, "nope", "a.pdf", bytes.NewReader(pdf("x"))); fields(err)["slot"] != "program.attachment.unknown_slot" {
			t.Errorf("unknown slot: %v", err)
		}
		if files() != before || count(t, d, `SELECT COUNT(*) FROM audit_events`) != auditsBefore {
			t.Fatalf("refused uploads wrote: %d files, %d audit events", files()-before, count(t, d, `SELECT COUNT(*) FROM audit_events`)-auditsBefore)
		}

		// Names are sanitised; an empty one takes the slot's label.
		for in, want := range map[string]string{"../../etc/passwd": "passwd.pdf", "a\r\nX: y.pdf": "aX_ y.pdf", "": "其他材料.pdf", "..": "其他材料.pdf"} {
			got, err := e.s.Upload(ctx, owner, a.ID, "other", in, bytes.NewReader(pdf(in)))
			if err != nil || got.Name != want {
				t.Errorf("name %q: %v %v, want %q", in, got, err, want)
			}
		}
		// At most MaxPerSlot files a slot.
		e.s.Limits.MaxPerSlot = 4
		if _, err := e.s.Upload(ctx, owner, a.ID, "other", "第五个.pdf", bytes.NewReader(pdf("5"))); fields(err)["attachment_other"] != "program.attachment.too_many" {
			t.Errorf("fifth file with a limit of 4: %v", err)
		}
		e.s.Limits.MaxPerSlot = 0

		// Another enterprise and another district see nothing: NotFound
		// for reading, downloading, uploading and deleting.
		for _, u := range []*auth.User{stranger, other} {
			if _, _, err := e.s.Download(ctx, u, f.ID); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s downloads: %v", u.Username, err)
			}
			if _, err := e.s.Attachments(ctx, u, a.ID); i18n.ErrorCode(err) != i18n.NotFound {
				t.Errorf("%s lists: %v", u.Username, err)
			}
		}
		if _, err := e.s.Upload(ctx, stranger, a.ID, "license", "x.pdf", bytes.NewReader(pdf("x"))); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise uploads: %v", err)
		}
		if _, err := e.s.DeleteAttachment(ctx, stranger, f.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("another enterprise deletes: %v", err)
		}
		if _, err := e.s.Upload(ctx, staff, a.ID, "license", "x.pdf", bytes.NewReader(pdf("x"))); i18n.ErrorCode(err) != i18n.Forbidden {
			t.Errorf("staff uploads: %v", err)
		}
		if n := audits("program.attachment.download"); n != 0 {
			t.Errorf("refused downloads audited: %d", n)
		}

		// Staff in scope and the owner download, each audited.
		for _, u := range []*auth.User{staff, owner, viewer} {
			got, data, err := e.s.Download(ctx, u, f.ID)
			if err != nil || !bytes.Equal(data, body) || got.ContentType != program.TypePDF || got.Name != "营业执照.pdf" {
				t.Errorf("%s downloads: %v", u.Username, err)
			}
		}
		if n := audits("program.attachment.download"); n != 3 {
			t.Errorf("downloads audited: %d, want 3", n)
		}

		// Delete is soft: gone from the list and the download, the row stays.
		extra, err := e.s.Upload(ctx, owner, a.ID, "license", "副本.pdf", bytes.NewReader(pdf("副本")))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.DeleteAttachment(ctx, owner, extra.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.Download(ctx, staff, extra.ID); i18n.ErrorCode(err) != i18n.NotFound {
			t.Errorf("download of a deleted file: %v", err)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM attachments WHERE id = $1 AND deleted_at IS NOT NULL`, extra.ID); n != 1 {
			t.Errorf("deleted row: %d", n)
		}
		list, err := e.s.Attachments(ctx, owner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			if x.ID == extra.ID {
				t.Errorf("deleted file listed")
			}
		}

		// Submit needs a stored file in each required slot, named by its slot.
		e.clock.set(t, "2026-09-10 10:00")
		_, err = e.s.Submit(ctx, owner, a.ID, "k1")
		p, _ := err.(i18n.Problems)
		if fe := p.Field("attachment_budget_sheet"); fe == nil || fe.Key != "program.attachment.required" || len(fe.Args) == 0 || fe.Args[0] != "经费预算表" {
			t.Fatalf("submit without the budget sheet: %v", err)
		}
		if got, _ := e.s.Application(ctx, owner, a.ID); got.State != "draft" {
			t.Fatalf("refused submit moved to %s", got.State)
		}
		e.upload(t, owner, a.ID, "budget_sheet")
		got, err := e.s.Submit(ctx, owner, a.ID, "k2")
		if err != nil || got.State != "submitted" {
			t.Fatalf("submit with the files: %v", err)
		}
		if len(got.Attachments["license"]) != 1 || got.Attachments["budget_sheet"][0] != "预算表.xlsx" {
			t.Errorf("application's attachment names: %v", got.Attachments)
		}

		// Submitted: no more uploads or deletes; staff still download.
		if _, err := e.s.Upload(ctx, owner, a.ID, "other", "晚到.pdf", bytes.NewReader(pdf("late"))); key(err) != "program.application.not_editable" {
			t.Errorf("upload after submission: %v", err)
		}
		if _, err := e.s.DeleteAttachment(ctx, owner, f.ID); key(err) != "program.application.not_editable" {
			t.Errorf("delete after submission: %v", err)
		}
		if _, _, err := e.s.Download(ctx, staff, f.ID); err != nil {
			t.Errorf("staff download after submission: %v", err)
		}
	})
}
