package llm

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// slowMaker stands in for a local model that needs d per quiz; it stops
// at once when its context is cancelled.
type slowMaker struct{ d time.Duration }

func (m slowMaker) Quiz(ctx context.Context, l Lesson) (Quiz, error) {
	select {
	case <-time.After(m.d):
		return Quiz{LessonID: l.ID, LessonHash: l.Hash, Questions: []Question{{ID: l.ID + "/ai-1"}}}, nil
	case <-ctx.Done():
		return Quiz{}, fmt.Errorf("%w: %w", ErrUseAuthored, ctx.Err())
	}
}

// TestSimulatedDay plays a working day at 1 simulated minute = 2 ms: work
// stretches of 20-60 minutes (user active: the queue must stop at once)
// broken by idle gaps of 3-15 minutes, a pop-up after each gap and one every
// 25 minutes of work, each asking for the next lesson in recommendation
// order. The target: at least 95 % of pop-ups find a quiz ready.
// Pop-ups read Ready only, so they never wait for the model.
func TestSimulatedDay(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	tests := []struct {
		name    string
		perQuiz time.Duration // simulated minutes per quiz (generation + verification)
		want    float64
	}{
		{name: "model at 1.5 min a quiz", perQuiz: 90 * time.Second, want: 0.95},
		{name: "slow laptop at 3 min a quiz", perQuiz: 3 * time.Minute, want: 0.95},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const minute = 2 * time.Millisecond
			rng := rand.New(rand.NewPCG(7, 7))
			act := make(chan bool)
			q := &Queue{Maker: slowMaker{d: time.Duration(float64(minute) * tc.perQuiz.Minutes())}, Model: "m", Activity: act}
			var order []Lesson
			for i := range 40 {
				order = append(order, Lesson{ID: fmt.Sprintf("lesson-%02d", i), Hash: "h", Body: "b"})
			}
			q.Enqueue(context.Background(), order...)
			runQueue(t, q)

			popups, ready := 0, 0
			popup := func() {
				if _, ok := q.Ready(order[popups%len(order)].ID); ok {
					ready++
				}
				popups++
			}
			for elapsed := 0; elapsed < 8*60; {
				idle := 3 + rng.IntN(13)
				act <- false
				time.Sleep(time.Duration(idle) * minute)
				act <- true // back at the desk
				popup()
				work := 20 + rng.IntN(41)
				for w := 25; w < work; w += 25 {
					time.Sleep(25 * minute)
					popup()
				}
				time.Sleep(time.Duration(work%25) * minute)
				elapsed += idle + work
			}
			s := q.Stats()
			rate := float64(ready) / float64(popups)
			t.Logf("%d pop-ups, %d found a quiz ready (%.0f %%); queue: %+v", popups, ready, 100*rate, s)
			if rate < tc.want {
				t.Errorf("%.0f %% of pop-ups found a quiz ready, want at least %.0f %%", 100*rate, 100*tc.want)
			}
		})
	}
}
