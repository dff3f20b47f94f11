package popup

import "github.com/go-gl/glfw/v3.3/glfw"

// glfwHints sets the hints GLFW reads when Fyne creates the next window
// (hints persist until changed, hence Shower resets them after each
// window): FocusOnShow off keeps GLFW from asking the window manager to
// activate the window; Floating asks for _NET_WM_STATE_ABOVE before
// mapping. Call it on the UI thread, after the app's first NewWindow
// (GLFW is initialised by then).
func glfwHints(focusOnShow, floating bool) {
	glfw.WindowHint(glfw.FocusOnShow, glfwBool(focusOnShow))
	glfw.WindowHint(glfw.Floating, glfwBool(floating))
}

func glfwBool(b bool) int {
	if b {
		return glfw.True
	}
	return glfw.False
}
