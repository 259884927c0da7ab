package cedula

import "strings"

// Mask hides most of a cédula for logs people other than the campaign's
// admins read, so a log line never identifies a person: "1036601234" →
// "10******34". At most two digits at each end show, and only when at
// least half stays hidden: one at each end for 6–7 characters, none up to 5.
func Mask(c string) string {
	show := 0
	switch {
	case len(c) >= 8:
		show = 2
	case len(c) >= 6:
		show = 1
	}
	return c[:show] + strings.Repeat("*", len(c)-2*show) + c[len(c)-show:]
}
