// Command hello is the baseline of bench/run: the smallest net/http server
// that answers "ok" on GET /healthz. kejiju's start-up, memory and /healthz
// figures are measured beside it.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	flag.Parse()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok"))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "hello serving on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, mux))
}
