package scraper

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
)

// Launch and shutdown budgets; a healthy Chromium needs a fraction of each.
const (
	launchTimeout   = 30 * time.Second
	closeTimeout    = 5 * time.Second
	procGoneTimeout = 5 * time.Second
)

// browser is one Chromium process and Rod's connection to it. Lookups share
// it, each in its own incognito context.
type browser struct {
	rod      *rod.Browser
	launcher *launcher.Launcher
	pid      int
	cancel   context.CancelFunc // ends rod's event loop
	exited   chan struct{}      // closed once Chromium exited and its profile is removed
	broken   atomic.Bool        // the CDP connection failed: relaunch

	// Guarded by pool.mu.
	uses     int  // lookups started on it
	inflight int  // lookups running on it
	retired  bool // no new lookups; closed when inflight reaches 0
}

// launch starts a headless Chromium from bin, with its profile in the
// fresh directory profile, the flags the registrar's firewall and this
// machine need, and connects to it. It never downloads a browser.
func launch(ctx context.Context, bin, profile string) (*browser, error) {
	l := launcher.New().Context(ctx).
		Bin(bin).
		UserDataDir(profile). // removed by Cleanup once Chromium exits
		Headless(true).
		NoSandbox(true). // we run as root; Rod adds it only inside containers
		Leakless(true).  // Chromium dies with us, even after a kill -9
		Delete("enable-automation").
		Set("disable-component-update").
		Set("disable-quic").
		Set("disable-gpu").
		Set("disable-extensions").
		Set("disable-crash-reporter").
		Set("mute-audio").
		// Background services a lookup never needs; each costs a process or
		// network chatter. site-per-process stays off (Rod's default) so the
		// reCAPTCHA iframe shares the page's renderer and overrides.
		// The omnibox popups are WebUI pages Chromium 156 loads, in a
		// renderer of their own, for every new window, and so for every
		// incognito context: a second renderer per lookup (~110 MiB RSS,
		// ~40% of a lookup's CPU) for a popup a headless browser never shows.
		Append("disable-features", "OptimizationHints", "OptimizationGuideModelDownloading",
			"OptimizationGuideOnDeviceModel", "MediaRouter", "DialMediaRouteProvider",
			"AutofillServerCommunication", "CertificateTransparencyComponentUpdater", "Translate",
			"WebUIOmniboxPopup", "WebUIOmniboxAimPopup").
		Set("lang", "es-CO").
		Set("window-size", "1366,768")
	u, err := launchBehind(l.Launch) // behind the server on busy cores
	if err != nil {
		return nil, fmt.Errorf("launching chromium %s: %w", bin, err)
	}
	b := &browser{launcher: l, pid: l.PID(), exited: make(chan struct{})}
	go func() {
		l.Cleanup() // returns when the process has exited
		close(b.exited)
	}()

	// rod's event loop lives as long as this context, not the launch's.
	bctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	r := rod.New().Context(bctx).ControlURL(u).NoDefaultDevice()
	if err := r.Connect(); err != nil {
		_ = b.close()
		return nil, fmt.Errorf("connecting to chromium at %s: %w", u, err)
	}
	b.rod = r
	return b, nil
}

// dead reports whether the browser can take no more lookups.
func (b *browser) dead() bool {
	select {
	case <-b.exited:
		return true
	default:
		return b.broken.Load()
	}
}

// processes lists Chromium's process family, the leakless guard included.
func (b *browser) processes() []procEntry {
	procs := procTree(b.pid)
	if len(procs) > 0 {
		if guard, ok := readProc(procs[0].PPID); ok {
			procs = append(procs, guard)
		}
	}
	return procs
}

// close shuts Chromium down (politely, then by force) and verifies that no
// process of its family survives.
func (b *browser) close() error {
	procs := b.processes()
	if b.rod != nil {
		ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
		_ = proto.BrowserClose{}.Call(b.rod.Context(ctx))
		cancel()
	}
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case <-b.exited:
	case <-t.C:
		b.launcher.Kill()
	}
	if b.cancel != nil {
		b.cancel()
	}
	err := waitGone(procs, procGoneTimeout)
	select {
	case <-b.exited:
	case <-time.After(procGoneTimeout):
		err = errors.Join(err, fmt.Errorf("chromium pid %d did not exit", b.pid))
	}
	return err
}
