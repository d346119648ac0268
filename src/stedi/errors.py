"""One exception type for everything the stack can tell a user to fix."""


class StackError(RuntimeError):
    """A clear, actionable failure: the message says what and where to look."""
