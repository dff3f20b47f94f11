package daemon

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// pageOutFileMappings asks the kernel to reclaim the read-only, file-backed
// pages mapped into this process (the program's code and constants, shared
// libraries). Nothing is lost: they are clean and come back on use. Errors
// (an old kernel without MADV_PAGEOUT) are ignored: this only trims.
func pageOutFileMappings() int {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "start-end perms offset dev inode path"
		fs := strings.Fields(sc.Text())
		if len(fs) < 6 || !strings.HasPrefix(fs[5], "/") || strings.ContainsAny(fs[1], "ws") {
			continue
		}
		a, b, ok := strings.Cut(fs[0], "-")
		lo, err1 := strconv.ParseUint(a, 16, 64)
		hi, err2 := strconv.ParseUint(b, 16, 64)
		if !ok || err1 != nil || err2 != nil || hi <= lo {
			continue
		}
		if _, _, e := unix.Syscall(unix.SYS_MADVISE, uintptr(lo), uintptr(hi-lo), unix.MADV_PAGEOUT); e == 0 {
			n++
		}
	}
	return n
}
