package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
)

// fakeOptions are the fake-registrar command's flags.
type fakeOptions struct {
	Addr        string        // where to listen; loopback unless AllowRemote
	Fixtures    string        // JSON fixture file; "" = the built-in demo table
	SlowDelay   time.Duration // overrides the delay of "slow" fixtures; 0 keeps theirs
	AllowRemote bool          // permit a non-loopback Addr
	Chaos       bool          // fail lookups and captchas at random (fakeregistrar.Chaos)
	ChaosSeed   uint64        // the chaos draw's seed; the same seed replays the same faults
	ChaosRate   float64       // share of lookups that fail, 0 to 1; the captcha errs at a third of it
}

// shutdownTimeout bounds the fake's graceful shutdown.
const shutdownTimeout = 5 * time.Second

func newFakeRegistrarCmd() *cobra.Command {
	var opts fakeOptions
	cmd := &cobra.Command{
		Use:   "fake-registrar",
		Short: "Serve fake registrar sites and a fake captcha service for demos and tests",
		Long: `Serves local copies of both registrar sites (wsp and elecciones, with its API)
and, under /captcha, a fake captcha service speaking both captcha APIs, scripted
by a fixture table (cédula → case). Prints the URLs and the PADRON_* variables
that point the server at it. Listens on loopback only unless --allow-remote.
Stops on SIGINT/SIGTERM.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runFakeRegistrar(ctx, cmd.OutOrStdout(), opts, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "addr", "127.0.0.1:8089", "address to listen on")
	f.StringVar(&opts.Fixtures, "fixtures", "", "JSON fixture table (default: the built-in demo table)")
	f.DurationVar(&opts.SlowDelay, "slow-delay", 0, `delay of "slow" fixtures (default: each fixture's own)`)
	f.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (exposes the fakes to the network)")
	f.BoolVar(&opts.Chaos, "chaos", false, "fail lookups at random (blocks, block storms, slow answers, garbage pages, connection resets) and let the captcha service err")
	f.Uint64Var(&opts.ChaosSeed, "chaos-seed", 1, "seed of --chaos: the same seed serves each cédula's n-th lookup the same fault")
	f.Float64Var(&opts.ChaosRate, "chaos-rate", fakeregistrar.DefaultChaosRate, "share of lookups --chaos fails, from 0 to 1 (the captcha service errs at a third of it)")
	return cmd
}

// runFakeRegistrar serves the fakes until ctx ends; ready, if set, gets the
// base URL once the listener is up.
func runFakeRegistrar(ctx context.Context, out io.Writer, opts fakeOptions, ready func(base string)) error {
	host, port, err := net.SplitHostPort(opts.Addr)
	if err != nil {
		return fmt.Errorf("fake-registrar: --addr %q: %w", opts.Addr, err)
	}
	if !opts.AllowRemote && !isLoopback(host) {
		return fmt.Errorf("fake-registrar: refusing to listen on %s, which is not loopback (pass --allow-remote to expose the fakes)", opts.Addr)
	}
	if opts.ChaosRate < 0 || opts.ChaosRate > 1 {
		return fmt.Errorf("fake-registrar: --chaos-rate %v: want a share from 0 to 1", opts.ChaosRate)
	}
	fixtures, err := loadFixtures(opts.Fixtures)
	if err != nil {
		return err
	}
	var regChaos *fakeregistrar.Chaos
	var capChaos *fakecaptcha.Chaos
	if opts.Chaos && opts.ChaosRate > 0 {
		regChaos = &fakeregistrar.Chaos{Seed: opts.ChaosSeed, Rate: opts.ChaosRate}
		capChaos = &fakecaptcha.Chaos{Seed: opts.ChaosSeed, Rate: opts.ChaosRate / 3}
	}
	for i := range fixtures {
		if opts.SlowDelay > 0 && fixtures[i].Case == fakeregistrar.CaseSlow {
			fixtures[i].Delay = opts.SlowDelay
		}
	}
	reg := fakeregistrar.New(fakeregistrar.Config{
		Fixtures: fixtures,
		// Only tokens from the fake captcha service pass, as with Google.
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
		Chaos: regChaos,
	})
	reg.Mount("/captcha", fakecaptcha.New(fakecaptcha.Config{Chaos: capChaos}))

	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("fake-registrar: %w", err)
	}
	srv := &http.Server{Handler: reg, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() || host == "" {
		host = "127.0.0.1" // reachable from this machine whatever was bound
	}
	_, port, _ = net.SplitHostPort(ln.Addr().String())
	base := "http://" + net.JoinHostPort(host, port)
	printBanner(out, base, fixtures)
	if regChaos != nil {
		fmt.Fprintf(out, "\nChaos mode (seed %d): %.0f%% of lookups fail at random (block, slow, garbage, reset, transient), a storm of %d blocks every %d lookups, the captcha service errs on %.0f%% of requests.\n",
			opts.ChaosSeed, opts.ChaosRate*100, fakeregistrar.DefaultChaosStormLength, fakeregistrar.DefaultChaosStormEvery, capChaos.Rate*100)
	}
	if ready != nil {
		ready(base)
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("fake-registrar: serving: %w", err)
	}
	reg.Close() // release answers held back by "slow" fixtures
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("fake-registrar: shutting down: %w", errors.Join(err, srv.Close()))
	}
	fmt.Fprintln(out, "fake registrar stopped")
	return nil
}

// isLoopback reports whether host names this machine only.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadFixtures reads the fixture file, or returns the demo table.
func loadFixtures(path string) ([]fakeregistrar.Fixture, error) {
	if path == "" {
		return fakeregistrar.DefaultFixtures(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("fake-registrar: fixtures: %w", err)
	}
	defer f.Close()
	fixtures, err := fakeregistrar.LoadFixtures(f)
	if err != nil {
		return nil, fmt.Errorf("fake-registrar: fixtures %s: %w", path, err)
	}
	return fixtures, nil
}

// printBanner tells a demo user where everything is and what to type.
func printBanner(out io.Writer, base string, fixtures []fakeregistrar.Fixture) {
	captchaURL := base + "/captcha"
	fmt.Fprintf(out, `Fake registrar (test data only, not the real Registraduría) on %[1]s
  wsp page         %[1]s%[2]s
  elecciones page  %[1]s%[3]s
  elecciones API   %[1]s%[4]s
  captcha service  %[5]s  (classic in.php/res.php and task createTask/getTaskResult)

Point Padrón at it:
  export PADRON_REGISTRAR_URL=%[1]s%[2]s
  export PADRON_ELECCIONES_URL=%[1]s%[3]s
  export PADRON_ELECCIONES_API_URL=%[1]s%[4]s
  export PADRON_CAPTCHA_URL=%[5]s
  export PADRON_CAPTCHA_KEY=%[6]s
Other captcha keys: %[7]s, %[8]s (captcha_config), %[9]s (captcha), %[10]s, %[11]s.

Fixtures (any other cédula is found, with a generated polling place):
`, base, fakeregistrar.WSPPath, fakeregistrar.EleccionesPath, fakeregistrar.APIPath, captchaURL,
		fakecaptcha.KeyGood, fakecaptcha.KeyBad, fakecaptcha.KeyZeroBalance, fakecaptcha.KeyUnsolvable,
		fakecaptcha.KeyBusy, fakecaptcha.KeySlow)
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  CEDULA\tCASE\tDETAIL")
	for _, f := range fixtures {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Cedula, f.Case, fixtureDetail(f))
	}
	tw.Flush()
	fmt.Fprintln(out, "\nCtrl-C stops it.")
}

// fixtureDetail summarises what a fixture answers.
func fixtureDetail(f fakeregistrar.Fixture) string {
	var parts []string
	for _, s := range []string{f.Departamento, f.Municipio, f.Puesto, f.Mesa, f.Novedad} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if f.Delay > 0 {
		parts = append(parts, "after "+f.Delay.String())
	}
	if f.FailTimes > 0 {
		parts = append(parts, fmt.Sprintf("transient %d time(s) first", f.FailTimes))
	}
	return strings.Join(parts, " / ")
}
