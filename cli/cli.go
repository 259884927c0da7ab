// Package cli adds Padrón's own commands to the PocketBase binary: census
// lookups and parsing from the command line, the fake registrar for demos,
// a whole demo campaign served against the fakes,
// so an operator can check the scraper without the server, the
// whole-server benchmark, and restoring a backup with no server running.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/spf13/cobra"

	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
)

// Exit codes the commands end with, for scripts.
const (
	ExitFailure = 1 // the lookup or parse failed; the JSON says why
	ExitUsage   = 2 // bad input: an invalid cédula, an unknown source
)

// ExitError ends a command with a specific exit code after its JSON has
// been printed, so main can exit with Code and print nothing more.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap exposes the cause (a scraper class, a cédula error) to errors.Is/As.
func (e *ExitError) Unwrap() error { return e.Err }

// Exit remembers the code Padrón's command ended with: PocketBase runs
// commands but discards their errors, so main asks Code after Start.
type Exit struct{ code atomic.Int32 }

// Code is the exit code of the Padrón command that ran: 0 if none failed.
func (e *Exit) Code() int { return int(e.code.Load()) }

// track makes cmd record its failure in e (ExitError's code, else 1).
func (e *Exit) track(cmd *cobra.Command) *cobra.Command {
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		err := run(c, args)
		var ee *ExitError
		switch {
		case errors.As(err, &ee):
			e.code.Store(int32(ee.Code))
		case err != nil:
			e.code.Store(ExitFailure)
		}
		return err
	}
	return cmd
}

// Register adds `census lookup`, `census parse`, `fake-registrar`,
// `bench`, `demo` and `restore` to root. cfg must be bound to root's persistent flags (config.Config.Bind):
// the commands read it when they run, after flag parsing. The returned Exit
// carries the command's exit code out of PocketBase's Start.
func Register(root *cobra.Command, cfg *config.Config) *Exit {
	exit := &Exit{}
	census := &cobra.Command{
		Use:         "census",
		Short:       "Ask the registrar about cédulas from the command line",
		Annotations: standalone,
	}
	census.AddCommand(exit.track(newLookupCmd(cfg, buildEngine)), exit.track(newParseCmd()))
	fake := exit.track(newFakeRegistrarCmd())
	fake.Annotations = standalone
	bench := exit.track(newBenchCmd(cfg))
	bench.Annotations = standalone
	demo := exit.track(newDemoCmd(cfg))
	demo.Annotations = standalone
	restore := exit.track(newRestoreCmd())
	restore.Annotations = standalone
	root.AddCommand(census, fake, bench, demo, restore)
	return exit
}

// standaloneKey marks commands that need no database.
const standaloneKey = "padron.standalone"

var standalone = map[string]string{standaloneKey: "true"}

// Standalone reports whether args name one of Padrón's commands that need
// no database, so main can run them without PocketBase's bootstrap (which
// creates ./pb_data) and its signal handling (which returns on Ctrl-C
// before the command has closed its browser or server).
func Standalone(root *cobra.Command, args []string) bool {
	cmd, _, err := root.Find(args)
	if err != nil {
		return false
	}
	for c := cmd; c != nil; c = c.Parent() {
		if c.Annotations[standaloneKey] != "" {
			return true
		}
	}
	return false
}

// failureJSON is what a command prints when there is no answer; an answer
// prints as census.Result's JSON.
type failureJSON struct {
	Cedula  string `json:"cedula"`
	Error   string `json:"error"` // a scraper class name, invalid_cedula, usage, cancelled or internal
	Message string `json:"message"`
}

// failure codes beyond the scraper's classes.
const (
	errInvalidCedula = "invalid_cedula"
	errUsage         = "usage"
	errCancelled     = "cancelled"
	errInternal      = "internal"
)

// printResult writes the one JSON object a command prints for (res, err)
// and returns the command's error: nil on an answer, *ExitError otherwise.
func printResult(out io.Writer, ced string, res census.Result, err error) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err == nil {
		if werr := enc.Encode(res); werr != nil {
			return fmt.Errorf("writing the answer: %w", werr)
		}
		return nil
	}
	f := failureJSON{Cedula: ced, Error: errInternal, Message: err.Error()}
	var le *census.LookupError
	switch {
	case errors.As(err, &le):
		f.Error = le.Class.Error()
	case errors.Is(err, context.Canceled):
		f.Error = errCancelled
	}
	if werr := enc.Encode(f); werr != nil {
		return errors.Join(err, fmt.Errorf("writing the failure: %w", werr))
	}
	return &ExitError{Code: ExitFailure, Err: err}
}

// printUsageError writes a bad-input failure and returns its ExitError.
func printUsageError(out io.Writer, ced, kind, msg string, err error) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(failureJSON{Cedula: ced, Error: kind, Message: msg})
	return &ExitError{Code: ExitUsage, Err: err}
}
