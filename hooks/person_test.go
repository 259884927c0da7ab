package hooks

import "testing"

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"  María   José  Pérez ", "María José Pérez", true},
		{"Ñoño O'Neil-Gómez", "Ñoño O'Neil-Gómez", true},
		{"Ana", "Ana", true},
		{"Al", "", false},
		{"Juan 2", "", false},
		{"Juan_Pérez", "", false},
		{"-Juan", "", false},
		{"Juan-", "", false},
		{"", "", false},
	}
	for _, tc := range cases {
		got, err := normalizeName(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("normalizeName(%q) = %q, %v", tc.in, got, err)
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
