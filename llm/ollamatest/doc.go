// Package ollamatest is for tests only: it starts a real Ollama server with
// the tiny test models, and serves Ollama stand-ins on loopback.
//
// It exists because helpers in _test.go files cannot be shared between
// packages, and the same set-up was written again in llm, app/personal,
// app/daemon and app/settings. It sits under llm/ (which imports nothing
// from app/) so that every layer above may import it, and so that it may
// reach llm/internal/tinymodel, which packages outside llm/ cannot. It
// imports nothing from package llm, so llm's own tests can use it too.
// Production code must not import it: it imports package testing.
package ollamatest
