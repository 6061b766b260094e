package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"kejiju/internal/db/dbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dbtest.DropTemplates()
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a running kejiju started through run(), as a newcomer
// would start it, on a free port with a temporary data directory.
type testServer struct {
	URL       string
	DataDir   string
	Passwords map[string]string // first-start credentials printed on the console
	out       *syncBuffer
	stop      func()
	done      chan error
}

var (
	servingRE  = regexp.MustCompile(`serving on (http://\S+)`)
	passwordRE = regexp.MustCompile(`(?m)^\s+([a-z0-9._-]+)\s+(\S{4}-\S{5}-\S{5})\s`)
)

// startServer runs `kejiju serve` with args and waits until it serves.
func startServer(t *testing.T, dataDir string, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{DataDir: dataDir, out: &syncBuffer{}, stop: cancel, done: make(chan error, 1)}
	args = append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir}, args...)
	go func() {
		ts.done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), ts.out, io.Discard)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingRE.FindStringSubmatch(ts.out.String()); m != nil {
			ts.URL = m[1]
			break
		}
		select {
		case err := <-ts.done:
			t.Fatalf("server exited: %v\n%s", err, ts.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	if ts.URL == "" {
		t.Fatalf("server did not start:\n%s", ts.out.String())
	}
	ts.Passwords = map[string]string{}
	for _, m := range passwordRE.FindAllStringSubmatch(ts.out.String(), -1) {
		ts.Passwords[m[1]] = m[2]
	}
	t.Cleanup(ts.Stop)
	return ts
}

// Stop shuts the server down gracefully and waits for it.
func (ts *testServer) Stop() {
	if ts.stop == nil {
		return
	}
	ts.stop()
	ts.stop = nil
	select {
	case <-ts.done:
	case <-time.After(30 * time.Second):
	}
}

func TestServeHealthzAndChineseLogin(t *testing.T) {
	ts := startServer(t, t.TempDir())
	resp, err := http.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("/healthz: %d %q, want 200 ok", resp.StatusCode, body)
	}
	resp, err = http.Get(ts.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "用户登录") || !strings.Contains(string(body), `lang="zh-CN"`) {
		t.Errorf("login page is not in Chinese:\n%s", body)
	}
	for _, name := range []string{"sysadmin", "secadmin", "auditadmin"} {
		if ts.Passwords[name] == "" {
			t.Errorf("no first-start password printed for %s:\n%s", name, ts.out.String())
		}
	}
}
