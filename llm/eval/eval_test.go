package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/tidbit-learn/tidbit/llm"
	"github.com/tidbit-learn/tidbit/llm/ollamatest"
)

var update = flag.Bool("update", false, "rewrite golden files")

var lesson = llm.Lesson{
	ID: "lead/one-on-ones", Title: "One-on-ones", Skills: []string{"lead.one-on-ones"}, Level: 2, Hash: "h",
	Body: "The report sets the agenda of a one-on-one meeting. Moving a one-on-one to another time is better than cancelling it.",
}

const quiz = `{"questions":[
 {"type":"single","prompt":"Who sets the agenda of a one-on-one meeting?","answer_count":1,"difficulty":2,"skill":"lead.one-on-ones","options":[
  {"text":"The report","correct":true,"why":"The report sets the agenda of the meeting."},
  {"text":"The manager","correct":false,"why":"The manager does not set the agenda."},
  {"text":"The team","correct":false,"why":"A one-on-one is not a team meeting."},
  {"text":"Nobody","correct":false,"why":"Someone sets the agenda: the report."}]},
 {"type":"single","prompt":"What is better than cancelling a one-on-one?","answer_count":1,"difficulty":2,"skill":"lead.one-on-ones","options":[
  {"text":"Moving it to another time","correct":true,"why":"Moving a one-on-one to another time is better than cancelling it."},
  {"text":"Sending an email","correct":false,"why":"An email is not a meeting."},
  {"text":"Skipping a month","correct":false,"why":"Skipping is cancelling."},
  {"text":"Asking a peer","correct":false,"why":"The meeting is with the manager."}]},
 {"type":"single","prompt":"Who sets the agenda of one-on-one meetings?","answer_count":1,"difficulty":2,"skill":"lead.one-on-ones","options":[
  {"text":"The report","correct":true,"why":"The report sets the agenda of the meeting."},
  {"text":"The manager","correct":false,"why":"The manager does not set the agenda."},
  {"text":"The team","correct":false,"why":"A one-on-one is not a team meeting."},
  {"text":"Nobody","correct":false,"why":"Someone sets the agenda: the report."}]}]}`

// The verifier gets question 1 right and question 2 wrong.
const sheet = `{"q1":["A"],"q2":["B"]}`

func fakeServer(t *testing.T) *url.URL {
	return ollamatest.Fake{Models: []ollamatest.Model{{Name: "m:latest", Digest: "sha256:1"}}, Generate: func(w http.ResponseWriter, r *http.Request) {
		var req api.GenerateRequest
		json.NewDecoder(r.Body).Decode(&req)
		out := quiz
		if strings.HasPrefix(req.Prompt, "Answer each question") {
			out = sheet
		}
		enc := json.NewEncoder(w)
		enc.Encode(api.GenerateResponse{Response: out})
		enc.Encode(api.GenerateResponse{Done: true, DoneReason: "stop", Metrics: api.Metrics{EvalCount: 50, EvalDuration: time.Second}})
	}}.Serve(t)
}

func TestRun(t *testing.T) {
	tests := []struct {
		name      string
		down      bool
		lessons   int
		wantErr   bool
		wantReady int
		wantAgree float64
		wantDup   float64
	}{
		{name: "two lessons", lessons: 2, wantReady: 2, wantAgree: 0.5, wantDup: 1.0 / 3},
		{name: "server down stops after the first lesson", down: true, lessons: 3, wantErr: true},
		{name: "no lessons", lessons: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var u *url.URL
			if tc.down {
				u = ollamatest.DownURL(t)
			} else {
				u = fakeServer(t)
			}
			g := llm.NewGenerator(u, "m", nil)
			var ls []llm.Lesson
			for range tc.lessons {
				ls = append(ls, lesson)
			}
			calls := 0
			tab, err := Run(context.Background(), Config{Generator: g, Progress: func(int, int, string, error) { calls++ }}, ls)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tc.wantErr {
				if len(tab.Rows) != 1 || tab.ServerErrors != 1 || !strings.HasPrefix(tab.Rows[0].Error, "model server unavailable: no model server is running") {
					t.Errorf("rows %+v", tab.Rows)
				}
				return
			}
			if calls != tc.lessons || tab.QuizzesReady != tc.wantReady || tab.VerifierAgreement != tc.wantAgree ||
				tab.DuplicateRate != tc.wantDup {
				t.Errorf("table %+v", tab)
			}
			if tc.lessons > 0 && (tab.SchemaValidRate != 1 || tab.TokensPerSecond != 50 || tab.MedianLatency <= 0) {
				t.Errorf("rates %+v", tab)
			}
			var buf bytes.Buffer
			if err := tab.WriteJSON(&buf); err != nil || !json.Valid(buf.Bytes()) {
				t.Errorf("json: %v", err)
			}
		})
	}
}

func TestWriteTextGolden(t *testing.T) {
	tab := Table{Model: "llama3.2:3b", PromptVersion: llm.PromptVersion, Lessons: 2, QuizzesReady: 1, Attempts: 3,
		SchemaValidRate: 2.0 / 3, VerifierAgreement: 0.8, DuplicateRate: 0.1, InvalidRate: 0.2, MedianLatency: 12.5,
		MedianRequest: 6.25, TokensPerSecond: 14.2, ServerErrors: 1,
		Rows: []Row{
			{Lesson: "a", Attempts: 1, SchemaValid: 1, Generated: 5, Invalid: 1, Duplicates: 0, Verified: 4, Disagreed: 0, Latency: 12 * time.Second},
			{Lesson: "b", Attempts: 2, SchemaValid: 1, Generated: 5, Invalid: 1, Duplicates: 1, Verified: 0, Disagreed: 3, Latency: 13 * time.Second,
				Error: "the verifier disagreed with all 3 keys; and a long tail so that the column is cut: ééééééééééééééééééééééééééééééééééééééééééééé"},
		}}
	var buf bytes.Buffer
	if err := tab.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		os.WriteFile(golden, buf.Bytes(), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != string(want) {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}
