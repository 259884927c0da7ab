package worker

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateKeepsUTF8(t *testing.T) {
	t.Parallel()
	s := strings.Repeat("ñ", 10) // 2 bytes each
	for n := 0; n <= len(s); n++ {
		got := truncate(s, n)
		if !utf8.ValidString(got) || len(got) > n || len(got) < n-1 {
			t.Fatalf("truncate(%d) = %q (%d bytes)", n, got, len(got))
		}
	}
	if truncate("abc", 10) != "abc" {
		t.Fatal("short string changed")
	}
}
