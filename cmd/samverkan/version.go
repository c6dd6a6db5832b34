package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version says which samverkan this is: the module's version (a tag when
// installed with go install …@v1.2.3, "(devel)" when built from a clone),
// and the commit it was built from, which go build records when it builds
// inside a git checkout ("modified" when the checkout had changes).
func version() string {
	v, commit, modified := "(devel)", "unknown", ""
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	return fmt.Sprintf("samverkan %s, commit %s%s, %s %s/%s", v, commit, modified, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
