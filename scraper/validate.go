package scraper

import (
	"fmt"

	"github.com/padron/padron/census"
	"github.com/padron/padron/registrar"
)

// Validate reports the first field New cannot use, so an engine built
// directly (tests, another command) gets the checks the binary's settings
// get: zero means the default everywhere, only values out of their
// documented range are refused.
func (c Config) Validate() error {
	switch c.Source {
	case "", census.SourceWSP, census.SourceElecciones:
	default:
		return fmt.Errorf("scraper: unknown source %q (want %q or %q)", c.Source, census.SourceWSP, census.SourceElecciones)
	}
	if c.PoolSize != 0 && (c.PoolSize < registrar.PoolSizeMin || c.PoolSize > registrar.PoolSizeMax) {
		return fmt.Errorf("scraper: PoolSize %d out of range: want 0 (default %d) or %d to %d",
			c.PoolSize, registrar.PoolSizeDefault, registrar.PoolSizeMin, registrar.PoolSizeMax)
	}
	if c.RecycleAfter != 0 && c.RecycleAfter < registrar.RecycleAfterMin {
		return fmt.Errorf("scraper: RecycleAfter %d out of range: want 0 (default %d) or at least %d",
			c.RecycleAfter, registrar.RecycleAfterDefault, registrar.RecycleAfterMin)
	}
	if c.LookupTimeout != 0 && (c.LookupTimeout < registrar.LookupTimeoutMin || c.LookupTimeout > registrar.LookupTimeoutMax) {
		return fmt.Errorf("scraper: LookupTimeout %s out of range: want 0 (default %s) or %s to %s",
			c.LookupTimeout, registrar.LookupTimeoutDefault, registrar.LookupTimeoutMin, registrar.LookupTimeoutMax)
	}
	if err := c.Tokens.Validate(); err != nil {
		return fmt.Errorf("scraper: %w", err)
	}
	return nil
}
