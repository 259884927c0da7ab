package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/padron/padron/cedula"
	"github.com/padron/padron/census"
	"github.com/padron/padron/config"
	"github.com/padron/padron/registrar"
	"github.com/padron/padron/server"
)

// lookupEngine is what `census lookup` needs from scraper.Engine; tests
// build one with a faster captcha client.
type lookupEngine interface {
	census.Lookuper
	Close() error
}

// engineBuilder makes the engine for a lookup from the settings.
type engineBuilder func(cfg *config.Config, logger *slog.Logger) (lookupEngine, error)

// buildEngine is the production engineBuilder.
func buildEngine(cfg *config.Config, logger *slog.Logger) (lookupEngine, error) {
	e, err := server.NewEngine(cfg, logger)
	if err != nil {
		return nil, err
	}
	return e, nil
}

func newLookupCmd(cfg *config.Config, build engineBuilder) *cobra.Command {
	return &cobra.Command{
		Use:   "lookup CEDULA",
		Short: "Look one cédula up on the registrar and print the answer as JSON",
		Long: `Looks one cédula up on the configured registrar site (--source, --registrar-url,
--elecciones-url, --captcha-url, --captcha-key, --captcha-api, --chromium) with a
headless Chromium, without pacing, and prints one JSON object: the answer
(exit 0) or {"cedula","error","message"} (exit 1; exit 2 for an invalid cédula).
Error kinds: blocked, timeout, captcha, captcha_config, captcha_unreachable, transient,
site_changed, invalid_cedula, usage (bad settings), cancelled, internal.`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			return runLookup(ctx, cfg, build, logger, cmd.OutOrStdout(), args[0])
		},
	}
}

// runLookup looks raw up and prints the outcome; the error is nil on an
// answer, an *ExitError otherwise.
func runLookup(ctx context.Context, cfg *config.Config, build engineBuilder, logger *slog.Logger, out io.Writer, raw string) error {
	ced, err := cedula.Normalize(raw)
	if err != nil {
		return invalidCedula(out, raw, err)
	}
	if err := cfg.Validate(); err != nil {
		return printUsageError(out, ced, errUsage, err.Error(), err)
	}
	e, err := build(cfg, logger)
	if err != nil {
		return printResult(out, ced, census.Result{}, fmt.Errorf("building the census engine: %w", err))
	}
	res, lerr := e.Lookup(ctx, ced)
	if err := e.Close(); err != nil {
		logger.Warn("closing the browser", "err", err)
	}
	return printResult(out, ced, res, lerr)
}

// invalidCedula reports a cédula that fails validation, in the Spanish
// words the registration form uses.
func invalidCedula(out io.Writer, raw string, err error) error {
	msg := err.Error()
	if ce, ok := cedula.AsError(err); ok {
		msg = ce.Message
	}
	return printUsageError(out, raw, errInvalidCedula, msg, err)
}

func newParseCmd() *cobra.Command {
	var source, ced string
	var status int
	cmd := &cobra.Command{
		Use:   "parse --source wsp|elecciones [--cedula N] [--status N] < answer",
		Short: "Parse a saved registrar answer from stdin and print it as JSON",
		Long: `Reads a raw answer saved from a lookup (the body of the wsp AJAX reply or of
the elecciones API reply) from stdin and prints the same JSON as "census lookup",
with the same exit codes. --cedula checks the answer is about that person;
--status is the HTTP status the answer came with (0 = unknown).`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runParse(cmd.InOrStdin(), cmd.OutOrStdout(), census.Source(source), ced, status)
		},
	}
	cmd.Flags().StringVar(&source, "source", string(census.SourceWSP), "site the answer came from: wsp or elecciones")
	cmd.Flags().StringVar(&ced, "cedula", "", "cédula the answer should be about (optional)")
	cmd.Flags().IntVar(&status, "status", 0, "HTTP status of the answer (0 = unknown)")
	return cmd
}

// maxAnswer caps what parse reads: real answers are a few KB.
const maxAnswer = 8 << 20

// runParse parses the answer on in and prints the outcome.
func runParse(in io.Reader, out io.Writer, source census.Source, raw string, status int) error {
	if source != census.SourceWSP && source != census.SourceElecciones {
		err := fmt.Errorf("unknown source %q: want wsp or elecciones", source)
		return printUsageError(out, raw, errUsage, err.Error(), err)
	}
	ced := ""
	if raw != "" {
		var err error
		if ced, err = cedula.Normalize(raw); err != nil {
			return invalidCedula(out, raw, err)
		}
	}
	body, err := io.ReadAll(io.LimitReader(in, maxAnswer))
	if err != nil {
		return printResult(out, ced, census.Result{}, fmt.Errorf("reading stdin: %w", err))
	}
	res, err := registrar.Parse(source, ced, status, body)
	if err == nil && ced == "" {
		ced = res.Cedula
	}
	return printResult(out, ced, res, err)
}
