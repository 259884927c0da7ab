package backups_test

import (
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // America/Bogota without the system's zone files

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/cron"

	"github.com/padron/padron/backups"
)

// warnings collects what Apply tells the operator.
type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) warn(_ core.App, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, msg)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.msgs
	w.msgs = nil
	return m
}

// TestApplyAtEveryStart follows one data directory through the starts an
// operator makes: the first turns backups on at the default, a restart
// changes nothing, a dashboard change is replaced (and said), a new keep is
// applied quietly, off turns them off with a warning.
func TestApplyAtEveryStart(t *testing.T) {
	t.Parallel()
	app, err := tests.NewTestApp(t.TempDir()) // a data dir no server has served
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	var w warnings
	reload := func() core.BackupsConfig {
		t.Helper()
		if err := app.ReloadSettings(); err != nil { // what the next start reads
			t.Fatal(err)
		}
		return app.Settings().Backups
	}
	if got := reload(); got.Cron != "" {
		t.Fatalf("a fresh data dir already has backups at %q: the test would prove nothing", got.Cron)
	}

	steps := []struct {
		name      string
		dashboard string // a superuser's schedule saved before this start
		cfg       backups.Config
		cron      string
		keep      int
		warn      string // a warning that must be given ("" none)
	}{
		{name: "first start", cfg: backups.Config{}, cron: "0 8 * * *", keep: 14},
		{name: "restart", cfg: backups.Config{Cron: backups.CronDefault, Keep: backups.KeepDefault}, cron: "0 8 * * *", keep: 14},
		{name: "dashboard changed", dashboard: "30 2 * * *", cfg: backups.Config{}, cron: "0 8 * * *", keep: 14, warn: `changed from "30 2 * * *" to "0 8 * * *"`},
		{name: "more kept", cfg: backups.Config{Keep: 30}, cron: "0 8 * * *", keep: 30},
		{name: "hourly", cfg: backups.Config{Cron: "0 * * * *", Keep: 30}, cron: "0 * * * *", keep: 30, warn: `changed from "0 8 * * *" to "0 * * * *"`},
		{name: "off", cfg: backups.Config{Cron: backups.CronOff}, cron: "", keep: 30, warn: "scheduled backups are off"},
		{name: "on again", cfg: backups.Config{}, cron: "0 8 * * *", keep: 14},
	}
	for _, st := range steps {
		if st.dashboard != "" {
			s, err := app.Settings().Clone()
			if err != nil {
				t.Fatal(err)
			}
			s.Backups.Cron = st.dashboard
			if err := app.Save(s); err != nil {
				t.Fatal(err)
			}
		}
		if err := backups.Apply(app, st.cfg, w.warn); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := reload()
		if got.Cron != st.cron || (st.cron != "" && got.CronMaxKeep != st.keep) {
			t.Errorf("%s: stored cron %q keep %d, want %q keep %d", st.name, got.Cron, got.CronMaxKeep, st.cron, st.keep)
		}
		msgs := strings.Join(w.take(), "\n")
		if (st.warn == "") != (msgs == "") || !strings.Contains(msgs, st.warn) {
			t.Errorf("%s: warnings %q, want %q", st.name, msgs, st.warn)
		}
		job := false
		for _, j := range app.Cron().Jobs() {
			if j.Id() == "__pbAutoBackup__" {
				job = j.Expression() == st.cron
			}
		}
		if job != (st.cron != "") {
			t.Errorf("%s: PocketBase's backup job scheduled %v, want %v at %q", st.name, job, st.cron != "", st.cron)
		}
	}
}

// TestDefaultIsThreeInTheMorningInColombia checks the default schedule,
// read by PocketBase's cron in UTC as it runs it, is due at 03:00 in
// Bogotá and at no other hour of the day.
func TestDefaultIsThreeInTheMorningInColombia(t *testing.T) {
	t.Parallel()
	bogota, err := time.LoadLocation("America/Bogota")
	if err != nil {
		t.Fatal(err)
	}
	s, err := cron.NewSchedule(backups.CronDefault)
	if err != nil {
		t.Fatal(err)
	}
	for _, day := range []time.Time{time.Date(2026, 3, 8, 0, 0, 0, 0, bogota), time.Date(2026, 11, 1, 0, 0, 0, 0, bogota)} {
		var due []string
		for m := time.Duration(0); m < 24*time.Hour; m += time.Minute {
			at := day.Add(m)
			if s.IsDue(cron.NewMoment(at.UTC())) { // PocketBase's cron ticks in UTC
				due = append(due, at.Format("15:04"))
			}
		}
		if strings.Join(due, ",") != "03:00" {
			t.Errorf("%s: due at %v in Bogotá, want only 03:00", day.Format("2006-01-02"), due)
		}
	}
}

func TestCheckCron(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"0 8 * * *", "*/15 * * * *", "@daily", backups.CronOff} {
		if err := backups.CheckCron(ok); err != nil {
			t.Errorf("CheckCron(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "daily", "0 8 * *", "61 * * * *", "0 8 * * * *", "OFF"} {
		if err := backups.CheckCron(bad); err == nil {
			t.Errorf("CheckCron(%q) = nil, want an error", bad)
		}
	}
	if err := (backups.Config{Keep: backups.KeepMax + 1}).Validate(); err == nil {
		t.Error("Validate accepted a keep over the maximum")
	}
}
