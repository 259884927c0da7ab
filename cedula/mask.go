package cedula

import "strings"

// Mask hides the middle of a cédula for logs people other than the
// campaign's admins read: "1036601234" → "10******34". Up to four
// characters are masked whole.
func Mask(c string) string {
	if len(c) <= 4 {
		return strings.Repeat("*", len(c))
	}
	return c[:2] + strings.Repeat("*", len(c)-4) + c[len(c)-2:]
}
