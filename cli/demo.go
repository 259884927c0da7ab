package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"github.com/padron/padron/config"
	"github.com/padron/padron/demo"
	"github.com/padron/padron/fakecaptcha"
	"github.com/padron/padron/fakeregistrar"
	"github.com/padron/padron/server"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	People int    // campaign size; default demo.PeopleDefault
	Seed   uint64 // the campaign's draw; default 1
	Dir    string // data directory to keep; "" = a temp dir removed on exit
	HTTP   string // where the server listens, loopback only
}

func newDemoCmd(cfg *config.Config) *cobra.Command {
	var opts demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole server with a realistic campaign in it, against the fake registrar",
		Long: `Starts the whole server (the same wiring as serve) with the fake registrar and
the fake captcha service in this process on 127.0.0.1, and a campaign already in
it: --people people (default 5,000) in a pyramid up to 8 levels (a root
coordinator, coordinators by zone, leaders, sub-leaders, members) with Colombian
names, phones and cédulas whose census answers the fake knows, registered over
six weeks, the last few still being checked. Prints the addresses and the
cédulas and password of a coordinator, a leader and a member. The data lives in
a temporary directory removed on exit, unless --dir names one to keep (an
existing demo directory is served again as it is). Never contacts the real
registrar or captcha service. Stops on SIGINT/SIGTERM.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			err := runDemo(ctx, cmd.OutOrStdout(), *cfg, opts)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.People, "people", demo.PeopleDefault, fmt.Sprintf("people in the campaign, %d to %d", demo.MinPeople, demo.MaxPeople))
	f.Uint64Var(&opts.Seed, "seed", 1, "the campaign's draw: the same seed gives the same people")
	// Shadows PocketBase's persistent --dir: here its default is a temp dir.
	f.StringVar(&opts.Dir, "dir", "", "data directory to keep (default: a temporary one, removed on exit)")
	f.StringVar(&opts.HTTP, "http", "127.0.0.1:8090", "loopback address the server listens on (port 0: any free port)")
	return cmd
}

// runDemo seeds (or reopens) the demo's data directory and serves it until
// ctx ends.
func runDemo(ctx context.Context, out io.Writer, cfg config.Config, opts demoOptions) (err error) {
	host, _, err := net.SplitHostPort(opts.HTTP)
	if err != nil || !isLoopback(host) {
		return fmt.Errorf("demo: --http %q: want a loopback address like 127.0.0.1:8090", opts.HTTP)
	}
	camp, err := demo.Generate(demo.Options{People: opts.People, Seed: opts.Seed})
	if err != nil {
		return err
	}

	dir, temp := opts.Dir, opts.Dir == ""
	if temp {
		if dir, err = os.MkdirTemp("", "padron-demo-"); err != nil {
			return fmt.Errorf("demo: data directory: %w", err)
		}
		defer func() {
			if rerr := os.RemoveAll(dir); rerr != nil {
				err = errors.Join(err, fmt.Errorf("demo: removing %s: %w", dir, rerr))
			}
		}()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("demo: data directory: %w", err)
	}

	// The fakes answer for the campaign's cédulas and for the documented
	// fixtures, so a newcomer can also register the fake's cases.
	fixtures := camp.Fixtures()
	known := map[string]bool{}
	for _, f := range fixtures {
		known[f.Cedula] = true
	}
	for _, f := range fakeregistrar.DefaultFixtures() {
		if !known[f.Cedula] {
			fixtures = append(fixtures, f)
		}
	}
	reg, err := fakeregistrar.Start(ctx, "127.0.0.1:0", fakeregistrar.Config{
		Fixtures: fixtures,
		VerifyToken: func(_ context.Context, _, token string) bool {
			return strings.HasPrefix(token, fakecaptcha.TokenPrefix)
		},
	})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer reg.Close()
	reg.Mount("/captcha", fakecaptcha.New(fakecaptcha.Config{}))
	demoConfig(&cfg, reg)
	if err := onlyLoopback(&cfg); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("demo: %w", err)
	}

	seeded := "reopened as it was"
	if _, statErr := os.Stat(filepath.Join(dir, "data.db")); errors.Is(statErr, os.ErrNotExist) {
		took, err := demo.SeedDir(dir, camp)
		if err != nil {
			return err
		}
		seeded = "seeded in " + took.Round(time.Millisecond).String()
	}
	if ctx.Err() != nil {
		return nil // stopped while seeding
	}
	return serveDemo(ctx, out, cfg, opts, dir, temp, camp, reg, seeded)
}

// demoConfig points the engine at the in-process fakes, with a captcha
// poll fitting a fake that solves at once.
func demoConfig(cfg *config.Config, reg *fakeregistrar.Running) {
	cfg.RegistrarURL = reg.WSPURL()
	cfg.EleccionesURL = reg.EleccionesURL()
	cfg.EleccionesAPIURL = reg.EleccionesAPIURL()
	cfg.CaptchaURL = reg.URL() + "/captcha"
	cfg.CaptchaKey = fakecaptcha.KeyGood
	cfg.CaptchaFirstPoll = 200 * time.Millisecond
	cfg.CaptchaPollInterval = 200 * time.Millisecond
}

// onlyLoopback refuses a configuration whose engine could reach anything
// but this machine: the demo must never query the real registrar.
func onlyLoopback(cfg *config.Config) error {
	for name, raw := range map[string]string{
		"registrar": cfg.RegistrarURL, "elecciones": cfg.EleccionesURL,
		"elecciones API": cfg.EleccionesAPIURL, "captcha": cfg.CaptchaURL,
	} {
		u, err := url.Parse(raw)
		if err != nil || !isLoopback(u.Hostname()) {
			return fmt.Errorf("demo: the %s URL %q is not loopback; refusing to start", name, raw)
		}
	}
	return nil
}

// serveDemo runs the server on dir until ctx ends, after printing where
// everything is and whom to log in as.
func serveDemo(ctx context.Context, out io.Writer, cfg config.Config, opts demoOptions, dir string, temp bool,
	camp *demo.Campaign, reg *fakeregistrar.Running, seeded string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return fmt.Errorf("demo: bootstrap: %w", err)
	}
	srv, err := server.Build(app, cfg)
	if err != nil {
		_ = app.ResetBootstrapState()
		return fmt.Errorf("demo: %w", err)
	}
	if srv.Engine != nil {
		if err := onlyLoopback(&srv.Config); err != nil {
			_ = app.ResetBootstrapState()
			return err
		}
	}
	ln, err := net.Listen("tcp", opts.HTTP)
	if err != nil {
		_ = app.ResetBootstrapState()
		return fmt.Errorf("demo: listen: %w", err)
	}
	serving := make(chan struct{})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Listener = ln
		err := se.Next()
		close(serving)
		return err
	})

	base := "http://" + ln.Addr().String()
	printDemoBanner(out, base, reg.URL(), dir, temp, camp, seeded)

	// Terminate (stopping the worker and the HTTP server, closing the
	// database) once the server is up or has failed, never while it starts.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan struct{})
	terminated := make(chan error, 1)
	go func() {
		<-ctx.Done()
		select {
		case <-serving:
		case <-served:
		}
		ev := &core.TerminateEvent{App: app}
		terminated <- app.OnTerminate().Trigger(ev, func(e *core.TerminateEvent) error {
			return e.App.ResetBootstrapState()
		})
	}()
	serveErr := apis.Serve(app, apis.ServeConfig{HttpAddr: ln.Addr().String()})
	close(served)
	if serveErr != nil {
		_ = ln.Close()
		serveErr = fmt.Errorf("demo: serve: %w", serveErr)
	}
	cancel()
	if err := <-terminated; err != nil {
		return errors.Join(serveErr, fmt.Errorf("demo: stopping: %w", err))
	}
	if serveErr == nil {
		fmt.Fprintln(out, "demo stopped")
	}
	return serveErr
}

// printDemoBanner tells the newcomer where everything is and whom to be.
func printDemoBanner(out io.Writer, base, fake, dir string, temp bool, camp *demo.Campaign, seeded string) {
	keep := "kept"
	if temp {
		keep = "removed on exit"
	}
	fmt.Fprintf(out, `Padrón demo: a campaign of %d people, %d levels deep, %s.
  web app         %s/
  dashboard       %s/_/  (%s / %s)
  fake registrar  %s  (test data; the real Registraduría is never contacted)
  data directory  %s  (%s)

Log in at %s/ingreso with a cédula and the password %s:
`, len(camp.People), camp.Depth()+1, seeded, base, base, demo.SuperuserEmail, demo.Password, fake, dir, keep, base, demo.Password)
	for _, l := range []struct {
		label string
		i     int
	}{{"coordinator", camp.Coordinator}, {"leader", camp.Leader}, {"member", camp.Member}} {
		if l.i < 0 {
			continue
		}
		p := camp.People[l.i]
		fmt.Fprintf(out, "  %-12s cédula %-10s  %s, level %d, %d referidos, %d people below\n",
			l.label, p.Cedula, p.Name, p.Depth+1, p.Direct, p.Subtree)
	}
	fmt.Fprintln(out, "\nCtrl-C stops it.")
}
