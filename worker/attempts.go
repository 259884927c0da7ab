package worker

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// recordAttempt writes one census_attempts row; failures carry evidence (the
// page's HTML and a screenshot) at most once per error signature per
// EvidenceEvery, so a long outage does not fill the disk with copies.
func (w *Worker) recordAttempt(tx core.App, info *core.Record, cedula string, attempt int,
	res census.Result, lerr error, elapsed time.Duration, now time.Time) error {
	col, err := tx.FindCachedCollectionByNameOrId(schema.AttemptsCollection)
	if err != nil {
		return err
	}
	a := core.NewRecord(col)
	a.Set("user", info.GetString("user"))
	a.Set("cedula", cedula)
	a.Set("attempt", attempt)
	a.Set("source", w.cfg.Source)
	a.Set("duration_ms", elapsed.Milliseconds())
	a.Set("started_at", now.Add(-elapsed).UTC())

	if lerr == nil {
		a.Set("outcome", string(res.Outcome))
		a.Set("success", true)
		a.Set("raw_response", res.Raw)
		return tx.Save(a)
	}

	class := census.ClassOf(lerr)
	a.Set("outcome", errName(class))
	a.Set("message", truncate(lerr.Error(), 4000))
	sig := signature(class, lerr)
	a.Set("signature", sig)
	ev := census.EvidenceOf(lerr)
	if ev != nil {
		a.Set("raw_response", ev.Response)
		if (ev.HTML != "" || len(ev.Screenshot) > 0) && !w.recentEvidence(tx, sig, now) {
			if ev.HTML != "" {
				f, err := filesystem.NewFileFromBytes([]byte(ev.HTML), "evidence.html")
				if err == nil {
					a.Set("evidence_html", f)
				}
			}
			if len(ev.Screenshot) > 0 {
				f, err := filesystem.NewFileFromBytes(ev.Screenshot, "screenshot.png")
				if err == nil {
					a.Set("evidence_screenshot", f)
				}
			}
		}
	}
	return tx.Save(a)
}

// recentEvidence reports whether evidence with this signature was kept
// within the last EvidenceEvery.
func (w *Worker) recentEvidence(tx core.App, sig string, now time.Time) bool {
	var n int
	err := tx.DB().Select("count(*)").From(schema.AttemptsCollection).
		Where(dbx.NewExp("[[signature]] = {:sig} AND [[started_at]] >= {:since} AND ([[evidence_html]] != '' OR [[evidence_screenshot]] != '')",
			dbx.Params{"sig": sig, "since": stamp(now.Add(-w.cfg.EvidenceEvery))})).
		Row(&n)
	return err == nil && n > 0
}

var digits = regexp.MustCompile(`[0-9]+`)

// signature names an error by its class and message with numbers blanked
// (cédulas, support ids, durations), so repeats of one failure match.
func signature(class, err error) string {
	msg := digits.ReplaceAllString(err.Error(), "#")
	return truncate(errName(class)+"|"+strings.TrimSpace(msg), 200)
}

// truncate cuts s to at most n bytes without splitting a character
// (messages carry Spanish accents; a cut rune is invalid UTF-8).
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
