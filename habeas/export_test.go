package habeas

// UnlinkNetwork is unlinkNetwork, for the external tests.
var UnlinkNetwork = unlinkNetwork
