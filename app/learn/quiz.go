package learn

import "github.com/tidbit-learn/tidbit/app/store"

// Quiz sizes. A pop-up quiz is a minute or two, not an exam.
const (
	// QuizSize is how many questions one quiz asks at most.
	QuizSize = 5
	// MaxAIPerQuiz caps the AI-written questions in a quiz whose lesson
	// has enough authored ones: authored questions, which a person wrote
	// and reviewed, stay the majority; AI-written ones add variety.
	MaxAIPerQuiz = 2
)

// QuizQuestions picks a lesson's quiz of at most size questions: its
// authored questions in order, with up to MaxAIPerQuiz of its AI-written
// questions after them (more only when there are too few authored ones to
// reach size). The lesson window asks QuizSize; `tidbit learn`, which has
// always asked every authored question, asks for room for them all
// (lessonflow.Flow.FullQuiz). Only what the store holds is used: verified AI
// questions written from the lesson's current text
// (store.Lesson.AIQuestions); nothing here asks a model, so a pop-up never
// waits for one. Without AI questions the quiz is authored only.
func QuizQuestions(l store.Lesson, size int) []store.Question {
	size = max(size, 0)
	nAI := min(len(l.AIQuestions), MaxAIPerQuiz, size)
	nAuth := min(len(l.Questions), size-nAI)
	nAI = min(len(l.AIQuestions), size-nAuth)
	out := make([]store.Question, 0, nAuth+nAI)
	out = append(out, l.Questions[:nAuth]...)
	return append(out, l.AIQuestions[:nAI]...)
}
