package server

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/cedula"
)

// cedulaKey is the log attribute that carries a cédula.
const cedulaKey = "cedula"

// appLogHandler sends Padrón's logs to the app's logger (the dashboard's
// logs, and stderr in dev mode) and, outside dev mode, from INFO up to
// stderr too, so `padron serve` and `docker logs` show the census worker at
// work. Cédulas are masked at every level above debug. The app's logger
// exists only once the app bootstrapped, so it is looked up per record;
// attributes and groups are kept here until then.
type appLogHandler struct {
	app     core.App
	console slog.Handler
	steps   []func(slog.Handler) slog.Handler // WithAttrs/WithGroup, in order
}

func newAppLogHandler(app core.App, console io.Writer) *appLogHandler {
	return &appLogHandler{app: app, console: slog.NewTextHandler(console, nil)}
}

func (h *appLogHandler) inner() slog.Handler {
	var in slog.Handler = slog.DiscardHandler
	if l := h.app.Logger(); l != nil {
		in = l.Handler()
	}
	return in
}

func (h *appLogHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner().Enabled(ctx, l) || h.toConsole(ctx, l)
}

func (h *appLogHandler) toConsole(ctx context.Context, l slog.Level) bool {
	return !h.app.IsDev() && h.console.Enabled(ctx, l)
}

func (h *appLogHandler) Handle(ctx context.Context, r slog.Record) error {
	var err error
	if h.inner().Enabled(ctx, r.Level) {
		err = h.handle(ctx, h.inner(), r)
	}
	if h.toConsole(ctx, r.Level) {
		err = errors.Join(err, h.handle(ctx, h.console, r))
	}
	return err
}

func (h *appLogHandler) handle(ctx context.Context, in slog.Handler, r slog.Record) error {
	if r.Level > slog.LevelDebug {
		in = maskingHandler{in}
		masked := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
		r.Attrs(func(a slog.Attr) bool {
			masked.AddAttrs(maskAttr(a))
			return true
		})
		r = masked
	}
	for _, step := range h.steps {
		in = step(in)
	}
	return in.Handle(ctx, r)
}

func (h *appLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.with(func(in slog.Handler) slog.Handler { return in.WithAttrs(attrs) })
}

func (h *appLogHandler) WithGroup(name string) slog.Handler {
	return h.with(func(in slog.Handler) slog.Handler { return in.WithGroup(name) })
}

func (h *appLogHandler) with(step func(slog.Handler) slog.Handler) *appLogHandler {
	steps := make([]func(slog.Handler) slog.Handler, len(h.steps), len(h.steps)+1)
	copy(steps, h.steps)
	return &appLogHandler{app: h.app, console: h.console, steps: append(steps, step)}
}

// maskingHandler marks a handler chain that must mask cédulas in the
// attributes added to it (With) before the record is handled.
type maskingHandler struct{ slog.Handler }

func (m maskingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		masked[i] = maskAttr(a)
	}
	return maskingHandler{m.Handler.WithAttrs(masked)}
}

func (m maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{m.Handler.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	switch {
	case a.Key == cedulaKey:
		return slog.String(a.Key, cedula.Mask(a.Value.Resolve().String()))
	case a.Value.Kind() == slog.KindGroup:
		group := a.Value.Group()
		out := make([]any, len(group))
		for i, g := range group {
			out[i] = maskAttr(g)
		}
		return slog.Group(a.Key, out...)
	}
	return a
}
