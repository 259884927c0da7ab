package metrics

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	diskSizeDesc  = desc("data_dir_filesystem_size_bytes", "Size of the filesystem holding the data directory.")
	diskAvailDesc = desc("data_dir_filesystem_avail_bytes", "Space left on it for the server (alert at 80 % used: backups need twice the data directory).")
)

// diskCollector reports the data directory's filesystem, so the disk alert
// needs no other exporter.
type diskCollector struct{ app core.App }

func (c *diskCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- diskSizeDesc
	ch <- diskAvailDesc
}

func (c *diskCollector) Collect(ch chan<- prometheus.Metric) {
	size, avail, ok := filesystem(c.app.DataDir())
	if !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(diskSizeDesc, prometheus.GaugeValue, float64(size))
	ch <- prometheus.MustNewConstMetric(diskAvailDesc, prometheus.GaugeValue, float64(avail))
}
