package hooks

import (
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		code     string // "" when valid
	}{
		{"  María   José  Pérez ", "María José Pérez", ""},
		{"María José Pérez Ñúñez", "María José Pérez Ñúñez", ""},
		{"Mari\u0301a Jose\u0301 Pe\u0301rez N\u0303u\u0301n\u0303ez", "María José Pérez Ñúñez", ""}, // decomposed accents compose
		{"Ñoño O'Neil-Gómez", "Ñoño O'Neil-Gómez", ""},
		{"Ñoño O\u2019Neil", "Ñoño O'Neil", ""}, // a phone's typographic apostrophe
		{"Ana", "Ana", ""},
		{"Ａｎａ　Ｐéｒｅｚ", "Ana Pérez", ""}, // full-width letters and space fold to ASCII
		{"Nguyễn Văn Anh", "Nguyễn Văn Anh", ""},
		{"Анна Петрова", "Анна Петрова", ""}, // one script, not Latin
		{"山田 たろう", "山田 たろう", ""},             // Japanese mixes kanji and kana
		{"김민준", "김민준", ""},
		{"Al", "", "name_length"},
		{"A-l", "", "name_length"},
		{"J", "", "name_length"},
		{"Juan 2", "", "name_invalid_chars"},
		{"Juan_Pérez", "", "name_invalid_chars"},
		{"-Juan", "", "name_invalid_chars"},
		{"Juan-", "", "name_invalid_chars"},
		{"", "", "name_required"},
		{"   ", "", "name_required"},
		// Invisible and formatting characters.
		{"\u0301\u0301\u0301\u0301", "", "name_invalid_chars"}, // combining marks only
		{"Ana\u0301\u0301\u0301", "", "name_invalid_chars"},    // stacked marks
		{"\u3164\u3164\u3164", "", "name_invalid_chars"},       // Hangul fillers
		{"Ana\u3164", "", "name_invalid_chars"},
		{"\u115F\u1160\uFFA0", "", "name_invalid_chars"},
		{"A\u200Bna", "", "name_invalid_chars"},       // zero-width space
		{"A\u200Dna", "", "name_invalid_chars"},       // zero-width joiner
		{"Ana\u00ADMaría", "", "name_invalid_chars"},  // soft hyphen
		{"Ana \u202Ezeréz", "", "name_invalid_chars"}, // right-to-left override
		{"Ana\uFE0F", "", "name_invalid_chars"},       // variation selector
		{"\u2800\u2800\u2800", "", "name_invalid_chars"},
		// Lookalikes from two scripts.
		{"\u0410na", "", "name_mixed_scripts"},        // Cyrillic А
		{"Juan P\u0435rez", "", "name_mixed_scripts"}, // Cyrillic е
		{"Ana \u039Caría", "", "name_mixed_scripts"},  // Greek Μ
		{"たろう 김민준", "", "name_mixed_scripts"},         // kana with hangul
	}
	for _, tc := range cases {
		got, err := normalizeName(tc.in)
		code := ""
		if err != nil {
			code = err.(validation.Error).Code()
		}
		if code != tc.code || got != tc.want {
			t.Errorf("normalizeName(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.code)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"+57 300 123 4567", "3001234567", true},
		{"300-123-4567", "3001234567", true},
		{"(300) 1234567", "3001234567", true},
		{"573001234567", "3001234567", true},
		{"6011234567", "", false}, // landline
		{"30012345", "", false},
		{"300 123 4567 ext", "", false},
		{"3+001234567", "", false},
	}
	for _, tc := range cases {
		got, err := normalizePhone(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("normalizePhone(%q) = %q, %v", tc.in, got, err)
		}
	}
}
