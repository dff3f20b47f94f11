package calendar

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

type flakySource struct {
	fail bool
	data string
}

func (f *flakySource) Name() string { return "flaky" }

func (f *flakySource) Fetch(ctx context.Context) ([]RawCalendar, error) {
	if f.fail {
		return nil, errors.New("server answered 500")
	}
	return []RawCalendar{{Source: "flaky/a.ics", Data: []byte(f.data)}}, nil
}

func TestLastGood(t *testing.T) {
	tests := []struct {
		name     string
		dir      bool
		warmup   bool
		wantErr  bool
		wantWarn string
	}{
		{name: "fresh failure without a copy fails", dir: true, wantErr: true},
		{name: "failure after a success returns the copy", dir: true, warmup: true, wantWarn: "using the copy from 2026-03-16T08:00:00Z"},
		{name: "no directory: nothing kept", dir: false, warmup: true, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := &flakySource{data: smallICS}
			lg := &LastGood{Source: src, Now: func() time.Time { return time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC) }}
			if tc.dir {
				lg.Dir = t.TempDir()
			}
			if tc.warmup {
				if raws, err := lg.Fetch(context.Background()); err != nil || len(raws) != 1 {
					t.Fatalf("warm-up: %v", err)
				}
			}
			src.fail = true
			raws, err := lg.FetchRange(context.Background(), time.Now(), time.Now().Add(time.Hour))
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "500") {
					t.Fatalf("got %v, %v; want the source's error", raws, err)
				}
				return
			}
			if err != nil || len(raws) != 1 || string(raws[0].Data) != smallICS || !strings.Contains(raws[0].Warning, tc.wantWarn) {
				t.Fatalf("got %+v, %v", raws, err)
			}
		})
	}
}
