// Command vocabjs writes census.JSModule into the web app, at
// census.JSModulePath; "go generate ./census" runs it from the census
// directory.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/padron/padron/census"
)

func main() {
	out := filepath.Join("..", filepath.FromSlash(census.JSModulePath))
	if err := os.WriteFile(out, census.JSModule(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "vocabjs:", err)
		os.Exit(1)
	}
}
