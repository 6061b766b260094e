// Command vulnmod is a known-vulnerable program for the govulncheck step
// of CI: golang.org/x/text v0.3.5 with language.Parse called, which is
// GO-2021-0113 (fixed in v0.3.7). The check must find it.
package main

import (
	"fmt"
	"os"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse(os.Args[len(os.Args)-1])
	fmt.Println(tag, err)
}
