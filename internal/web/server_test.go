package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestPanicAnswersWithRequestID is T-ERR-01 and T-LOG-01: a handler that
// panics (here with an SQL error text) gets a 500 whose body names only a
// request id — no stack, no SQL, no path, no panic value — and the same
// handler chain serves the next request. The log holds the panic as one
// record: the newline in the request's path (a forged second record) is
// escaped, and the request id matches the response's.
func TestPanicAnswersWithRequestID(t *testing.T) {
	var logs bytes.Buffer
	s := &Server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := s.recover(securityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/boom") {
			w.Header().Set("Content-Disposition", `attachment; filename="x.csv"`)
			panic("SELECT secret FROM users WHERE id = 1: sql: no rows in result set")
		}
		io.WriteString(w, "ok")
	})))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom%0Alevel=INFO%20msg=forged", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	id := rec.Header().Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) || !strings.Contains(body, id) {
		t.Errorf("request id %q not in the body %q", id, body)
	}
	for _, leak := range []string{"SELECT", "sql", "goroutine", "panic", "server.go", "/boom", "forged"} {
		if strings.Contains(body, leak) {
			t.Errorf("the 500 body leaks %q: %q", leak, body)
		}
	}
	if rec.Header().Get("Content-Disposition") != "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers of the 500: %v", rec.Header())
	}

	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/next", nil))
	if rec.Code != http.StatusOK || rec.Body.String() != "ok" {
		t.Errorf("after the panic: %d %q, want 200 ok", rec.Code, rec.Body.String())
	}

	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("the panic took %d log lines, want 1:\n%s", len(lines), logs.String())
	}
	if !strings.Contains(lines[0], "request_id="+id) || !strings.Contains(lines[0], `\nlevel=INFO msg=forged`) || !strings.Contains(lines[0], "goroutine") {
		t.Errorf("log line %s", lines[0])
	}
}
