// Built in GOPATH mode from Debian's Go packages (see build.sh); this file names the module and keeps
// the go tool from looking for a parent module. It declares no requirements on purpose: no module
// proxy is reachable, and the libraries come from /usr/share/gocode.
module streamrec/tools/helm-render

go 1.19
