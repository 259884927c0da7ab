package cedula

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    string
		wantErr error
	}{
		{"1102812122", "1102812122", nil},
		{"1.102.812.122", "1102812122", nil},
		{"1102 812 122", "1102812122", nil},
		{" 123 ", "123", nil},
		{"20000001", "20000001", nil},
		{"1\u00a0102\u00a0812", "1102812", nil},
		{"", "", ErrEmpty},
		{"   ", "", ErrEmpty},
		{"...", "", ErrNotDigits},
		{"12a45", "", ErrNotDigits},
		{"١٢٣٤", "", ErrNotDigits}, // non-ASCII digits are not cédula digits
		{"12", "", ErrTooShort},
		{"12345678901", "", ErrTooLong},
		{"0123456", "", ErrLeadingZero},
		{"1. 102", "1102", nil},
		// Only dots and spaces separate, and a dot sits after a digit.
		{"-1400000505", "", ErrNotDigits},
		{"+1400000505", "", ErrNotDigits},
		{"1400000515.", "", ErrNotDigits},
		{"1400000515 .", "", ErrNotDigits},
		{".1400000515", "", ErrNotDigits},
		{"1..102", "", ErrNotDigits},
		{"1-102-812", "", ErrNotDigits},
		{"1,102,812", "", ErrNotDigits},
		{"1\t102", "", ErrNotDigits},
	}
	for _, tc := range cases {
		got, err := Normalize(tc.in)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("Normalize(%q) error = %v, want %v", tc.in, err, tc.wantErr)
		}
		if got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"1.102.812.122", "0", "abc", "12 34", "", "-1400000505", "1400000515.", "1. 2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("error %v is not a *Error", err)
			}
			return
		}
		if len(got) < MinDigits || len(got) > MaxDigits || got[0] == '0' {
			t.Fatalf("Normalize(%q) = %q violates bounds", s, got)
		}
		again, err := Normalize(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q (%v)", got, again, err)
		}
	})
}
