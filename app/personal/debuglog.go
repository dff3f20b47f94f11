package personal

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
)

// DebugLogName is the local log of prompts and model outputs in the data
// folder, written only while the user has turned it on (Settings, "Log
// prompts and outputs"). Both processes append to it: the resident for
// quizzes and personalisation, the window process for reflection
// feedback.
const DebugLogName = "model-debug.log"

// OpenDebugLog opens the debug log in dataDir (mode 0600, appending) when
// set.DebugLog is on; with it off it returns a nil logger, so prompts and
// outputs are never written. closeLog is never nil.
func OpenDebugLog(dataDir string, set settings.Settings) (log *slog.Logger, closeLog func() error, err error) {
	if !set.DebugLog {
		return nil, func() error { return nil }, nil
	}
	f, err := os.OpenFile(filepath.Join(dataDir, DebugLogName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, paths.FileMode)
	if err != nil {
		return nil, func() error { return nil }, err
	}
	return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug})), f.Close, nil
}
