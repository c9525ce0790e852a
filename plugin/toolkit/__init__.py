"""The tool author's API: what a tool module declares and the helpers it may use."""
