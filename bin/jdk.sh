# Sourced by ./conv4j and ./test: finds a JDK 25 or newer and exports JAVA_HOME, or explains what to install.
conv4j_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}
conv4j_find_jdk() {
  # Maven 3.8 on JDK 25 warns about sun.misc.Unsafe; the warning is noise for our users.
  case " ${MAVEN_OPTS:-} " in *unsafe-memory-access*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  local c
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    [ -n "$c" ] && [ -x "$c/bin/javac" ] || continue
    local v; v=$(conv4j_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$c"; return 0; fi
  done
  if command -v javac >/dev/null 2>&1; then
    c=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    local v; v=$(conv4j_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$c"; return 0; fi
  fi
  cat >&2 <<'MSG'
conv4j needs a JDK 25 or newer (it uses the Vector API and the Foreign Function & Memory API).
None was found in JAVA_HOME, /usr/lib/jvm or on the PATH. Install one, for example:
  apt-get install temurin-25-jdk        (Adoptium's Debian repository)
or unpack any JDK 25 and run with JAVA_HOME=/path/to/jdk-25 ./conv4j ...
MSG
  return 1
}
