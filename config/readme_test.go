package config

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/padron/padron/captcha"
)

// readmeRow is one row of the README's Configuration table.
type readmeRow struct{ flag, env, def, accepts string }

// readmeSettings parses the table under "## Configuration" in README.md by
// its header names, so a reordered or added column does not break it.
func readmeSettings(t *testing.T) []readmeRow {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "\n## Configuration\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Configuration" section`)
	}
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	cells := func(line string) []string {
		parts := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return parts
	}
	var col map[string]int
	var rows []readmeRow
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "|") {
			if col != nil {
				break // the table ended
			}
			continue
		}
		c := cells(line)
		switch {
		case col == nil:
			col = map[string]int{}
			for i, name := range c {
				col[name] = i
			}
			for _, name := range []string{"flag", "env", "default", "accepts"} {
				if _, ok := col[name]; !ok {
					t.Fatalf("the Configuration table has no %q column: %q", name, line)
				}
			}
		case strings.HasPrefix(c[0], "---"):
		default:
			if len(c) != len(col) {
				t.Fatalf("row %q has %d cells, the header %d", line, len(c), len(col))
			}
			rows = append(rows, readmeRow{flag: c[col["flag"]], env: c[col["env"]], def: c[col["default"]], accepts: c[col["accepts"]]})
		}
	}
	if len(rows) == 0 {
		t.Fatal("the Configuration table has no rows")
	}
	return rows
}

var codeSpan = regexp.MustCompile("^`([^`]*)`$")

// TestREADMESettingsTable checks the README's settings table against the
// settings themselves: every setting has a row and every row is a setting,
// with its variable, its default as --help renders it, and what it accepts
// in the words of the error an operator would get.
func TestREADMESettingsTable(t *testing.T) {
	t.Parallel()
	c := Default()
	fs := pflag.NewFlagSet("padron", pflag.ContinueOnError)
	c.Bind(fs, func(string) string { return "" })
	bySetting := map[string]setting{}
	for _, s := range c.settings() {
		bySetting["`--"+s.flag+"`"] = s
	}
	seen := map[string]bool{}
	for _, r := range readmeSettings(t) {
		s, ok := bySetting[r.flag]
		if !ok {
			t.Errorf("README row %s is not a setting", r.flag)
			continue
		}
		if seen[r.flag] {
			t.Errorf("README lists %s twice", r.flag)
		}
		seen[r.flag] = true
		if r.env != "`"+s.env+"`" {
			t.Errorf("%s: README env %s, bound to %s", r.flag, r.env, s.env)
		}
		def := fs.Lookup(s.flag).DefValue
		if m := codeSpan.FindStringSubmatch(r.def); m != nil {
			if m[1] != def {
				t.Errorf("%s: README default %s, real default %q", r.flag, r.def, def)
			}
		} else if def != "" {
			t.Errorf("%s: README default %q is prose, but the real default is %q: write it as `%s`", r.flag, r.def, def, def)
		}
		if got := strings.ReplaceAll(r.accepts, "`", ""); got != s.val.want() {
			t.Errorf("%s: README accepts %q, the setting accepts %q", r.flag, got, s.val.want())
		}
	}
	for flag := range bySetting {
		if !seen[flag] {
			t.Errorf("setting %s is missing from the README's Configuration table", flag)
		}
	}

	// The one prose default that names values: the captcha protocol's URLs.
	for _, r := range readmeSettings(t) {
		if r.flag == "`--captcha-url`" {
			for _, u := range []string{captcha.DefaultBaseURL(captcha.APIClassic), captcha.DefaultBaseURL(captcha.APITask)} {
				if !strings.Contains(r.def, "`"+u+"`") {
					t.Errorf("--captcha-url: README default %q does not name %s", r.def, u)
				}
			}
		}
	}
}
