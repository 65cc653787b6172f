# Shared by the launchers: finds the project, builds the jars once if they are missing, runs a module's main class.
# Each program has its own jar: master-daemon/target/master-daemon.jar, slave-daemon/target/slave-daemon.jar,
# clockctl/target/clockctl.jar, each with its libraries in target/lib; the container image has the same layout.
CLOCKSYNC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# clocksync_paths MODULE: sets CLOCKSYNC_JAR and CLOCKSYNC_LIB for that module's jar.
clocksync_paths() {
  local module="$1"
  CLOCKSYNC_JAR="$CLOCKSYNC_ROOT/$module/target/$module.jar"
  CLOCKSYNC_LIB="$CLOCKSYNC_ROOT/$module/target/lib"
}

# clocksync_ensure_built [MODULE]: builds once when that module's jar (without MODULE: any of the three) is missing.
clocksync_ensure_built() {
  local module missing=0
  for module in ${1:-master-daemon slave-daemon clockctl}; do
    clocksync_paths "$module"
    if [ ! -f "$CLOCKSYNC_JAR" ] || [ ! -d "$CLOCKSYNC_LIB" ]; then
      missing=1
    fi
  done
  if [ "$missing" = 1 ]; then
    echo "clocksync: building the jars once (./mvnw package -DskipTests)..." >&2
    (cd "$CLOCKSYNC_ROOT" && ./mvnw -q -B -ntp -DskipTests -pl master-daemon,slave-daemon,clockctl -am package) >&2 || {
      echo "clocksync: the build failed; run './mvnw -pl master-daemon,slave-daemon,clockctl -am package' to see why" >&2
      exit 1
    }
  fi
}

# clocksync_java MODULE MAIN-CLASS ARGS...: runs MAIN-CLASS from MODULE's jar.
clocksync_java() {
  local module="$1" main="$2"; shift 2
  clocksync_ensure_built "$module"
  if ! command -v java >/dev/null 2>&1; then
    echo "clocksync: no 'java' on PATH; install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless)" >&2
    exit 1
  fi
  # Small heaps: five daemons share one laptop in the demo. CLOCKSYNC_JAVA_OPTS overrides.
  # shellcheck disable=SC2086
  exec java ${CLOCKSYNC_JAVA_OPTS:--Xmx96m -XX:+UseSerialGC -Xss512k} \
    -cp "$CLOCKSYNC_JAR:$CLOCKSYNC_LIB/*" "$main" "$@"
}
