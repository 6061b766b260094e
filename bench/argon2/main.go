// Command argon2 times bare argon2id hashes with kejiju's parameters
// (internal/auth/password.go: m=19 MiB, t=2, p=1, 32-byte key): the floor
// under a login. With -workers W hashing at once for -d, it prints
//
//	argon2_ms_median <median ms per hash>
//	argon2_hashes_per_s <hashes/s, all workers together>
//	argon2_cores <CPU seconds used per second: how many cores were busy>
//
// bench/run compares login at -c1 with W=1 and at -c8 with W=8.
package main

import (
	"flag"
	"fmt"
	"slices"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/argon2"
)

func hash() {
	argon2.IDKey([]byte("Kj7J-dxFCE-K942D"), []byte("0123456789abcdef"), 2, 19*1024, 1, 32)
}

func main() {
	workers := flag.Int("workers", 1, "hashes running at once")
	dur := flag.Duration("d", 3*time.Second, "how long to hash")
	flag.Parse()

	hash() // warm-up
	cpu0 := cpuSeconds()
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		ms  []float64
		end = time.Now().Add(*dur)
	)
	start := time.Now()
	for range *workers {
		wg.Go(func() {
			for time.Now().Before(end) {
				t := time.Now()
				hash()
				d := float64(time.Since(t).Microseconds()) / 1000
				mu.Lock()
				ms = append(ms, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(ms)
	fmt.Printf("argon2_ms_median %.1f\n", ms[len(ms)/2])
	fmt.Printf("argon2_hashes_per_s %.1f\n", float64(len(ms))/elapsed.Seconds())
	fmt.Printf("argon2_cores %.2f\n", (cpuSeconds()-cpu0)/elapsed.Seconds())
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
