// Command startup times a server's start: from starting the process until
// GET /healthz answers 200 "ok", polled every 2 ms, over several runs, each
// stopped with SIGTERM before the next. In the command, {addr} becomes a
// free loopback address and {run} the run number (for a fresh data
// directory or database each run). It prints
//
//	startup_ms <run times, sorted>
//	startup_ms_median <ms>
//	startup_ms_max <ms>
//
// Usage: startup [-runs 5] [-timeout 15s] -- COMMAND ARGS...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "number of starts")
	timeout := flag.Duration("timeout", 15*time.Second, "longest wait for one start")
	logPath := flag.String("log", os.DevNull, "file for the server's output")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: startup [-runs N] [-timeout D] [-log FILE] -- COMMAND ARGS...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf, err := os.Create(*logPath)
	if err != nil {
		fail(err)
	}
	defer logf.Close()
	var ms []float64
	for run := 1; run <= *runs; run++ {
		d, err := once(ctx, flag.Args(), run, *timeout, logf)
		if err != nil {
			fail(fmt.Errorf("run %d: %w", run, err))
		}
		ms = append(ms, float64(d.Microseconds())/1000)
	}
	slices.Sort(ms)
	s := make([]string, len(ms))
	for i, v := range ms {
		s[i] = strconv.FormatFloat(v, 'f', 1, 64)
	}
	fmt.Printf("startup_ms %s\nstartup_ms_median %.1f\nstartup_ms_max %.1f\n", strings.Join(s, " "), ms[len(ms)/2], ms[len(ms)-1])
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "startup:", err)
	os.Exit(1)
}

// once starts the command, waits for /healthz and stops it again.
func once(ctx context.Context, argv []string, run int, timeout time.Duration, out io.Writer) (time.Duration, error) {
	addr, err := freeAddr()
	if err != nil {
		return 0, err
	}
	args := make([]string, len(argv))
	for i, a := range argv {
		args[i] = strings.NewReplacer("{addr}", addr, "{run}", strconv.Itoa(run)).Replace(a)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	// The server dies with this program, however it ends.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	url := "http://" + addr + "/healthz"

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		if ok(client, url) {
			return time.Since(start), nil
		}
		select {
		case err := <-exited:
			exited <- err // for the deferred stop
			return 0, fmt.Errorf("server exited before it was ready: %v", err)
		case <-deadline.C:
			return 0, errors.New("not ready within " + timeout.String())
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-tick.C:
		}
	}
}

func ok(c *http.Client, url string) bool {
	resp, err := c.Get(url)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 16))
	return resp.StatusCode == http.StatusOK && string(b) == "ok"
}

// freeAddr returns a loopback address with a port the kernel just handed
// out and that is free again.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
