//go:build !linux

package daemon

func pageOutFileMappings() int { return 0 }
