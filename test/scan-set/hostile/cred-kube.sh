cp ~/.kube/config /tmp/k && cat ~/.git-credentials
