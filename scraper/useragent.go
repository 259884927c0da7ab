package scraper

import (
	"regexp"

	"github.com/go-rod/rod/lib/proto"
)

// UserAgentDefault is a current desktop Chrome on Windows (the major version
// of the Chromium we ship with): the registrar's firewall
// blocks headless Chromium's own UA ("HeadlessChrome").
const UserAgentDefault = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// acceptLanguage is what a Colombian Spanish Chrome sends.
const acceptLanguage = "es-CO,es;q=0.9,en;q=0.8"

// userAgent is the identity every page presents, kept consistent across the
// UA string, navigator.platform and the client-hint headers.
type userAgent string

var chromeMajor = regexp.MustCompile(`Chrome/(\d+)`)

// override is the CDP call that applies ua to a page.
func (ua userAgent) override() proto.NetworkSetUserAgentOverride {
	req := proto.NetworkSetUserAgentOverride{
		UserAgent:      string(ua),
		AcceptLanguage: acceptLanguage,
		Platform:       "Win32",
	}
	// Client hints must tell the same story as the UA string, or the page
	// would see "Linux" and "HeadlessChrome" in navigator.userAgentData.
	if m := chromeMajor.FindStringSubmatch(string(ua)); m != nil {
		brands := []*proto.EmulationUserAgentBrandVersion{
			{Brand: "Chromium", Version: m[1]},
			{Brand: "Google Chrome", Version: m[1]},
			{Brand: "Not-A.Brand", Version: "99"},
		}
		req.UserAgentMetadata = &proto.EmulationUserAgentMetadata{
			Brands:          brands,
			FullVersion:     m[1] + ".0.0.0",
			Platform:        "Windows",
			PlatformVersion: "10.0.0",
			Architecture:    "x86",
			Bitness:         "64",
		}
	}
	return req
}
