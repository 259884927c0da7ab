//go:build !linux

package scraper

// BrowserNice is how much lower than the server's own threads Chromium
// runs on Linux; elsewhere Chromium keeps the server's priority.
const BrowserNice = 0

// launchBehind runs start as it is: lowering one thread's priority for the
// processes it starts is Linux's (see priority_linux.go).
func launchBehind(start func() (string, error)) (string, error) { return start() }
