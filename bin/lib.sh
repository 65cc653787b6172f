# Shared by the launchers: finds the project, builds the jars once if they are missing, runs a main class.
CLOCKSYNC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLOCKSYNC_JAR="$CLOCKSYNC_ROOT/slave-daemon/target/slave-daemon.jar"
CLOCKSYNC_LIB="$CLOCKSYNC_ROOT/slave-daemon/target/lib"

clocksync_ensure_built() {
  if [ ! -f "$CLOCKSYNC_JAR" ] || [ ! -d "$CLOCKSYNC_LIB" ]; then
    echo "clocksync: building the jars once (./mvnw package -DskipTests)..." >&2
    (cd "$CLOCKSYNC_ROOT" && ./mvnw -q -B -ntp -DskipTests -pl slave-daemon -am package) >&2 || {
      echo "clocksync: the build failed; run './mvnw -pl slave-daemon -am package' to see why" >&2
      exit 1
    }
  fi
}

clocksync_java() {
  local main="$1"; shift
  clocksync_ensure_built
  if ! command -v java >/dev/null 2>&1; then
    echo "clocksync: no 'java' on PATH; install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless)" >&2
    exit 1
  fi
  # Small heaps: five daemons share one laptop in the demo. CLOCKSYNC_JAVA_OPTS overrides.
  # shellcheck disable=SC2086
  exec java ${CLOCKSYNC_JAVA_OPTS:--Xmx96m -XX:+UseSerialGC -Xss512k} \
    -cp "$CLOCKSYNC_JAR:$CLOCKSYNC_LIB/*" "$main" "$@"
}
