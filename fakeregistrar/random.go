package fakeregistrar

import (
	"crypto/rand"
	"encoding/hex"
	mrand "math/rand/v2"
	"strconv"
	"strings"
)

// randomHex returns 2n lowercase hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// phpSessionID looks like PHP's default session id: 26 chars of [a-z0-9].
func phpSessionID() string {
	return strings.ToLower(rand.Text())
}

// supportID is the F5 support number: 19 digits, never starting with 0.
func supportID() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(1 + mrand.IntN(9)))
	for range 18 {
		b.WriteString(strconv.Itoa(mrand.IntN(10)))
	}
	return b.String()
}
