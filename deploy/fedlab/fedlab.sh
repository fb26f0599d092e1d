#!/usr/bin/env bash
# The federation lab: a small fediverse on loopback for hashchat's federation journeys.
# Each site gets a name in /etc/hosts on its own 127.0.0.x address, a certificate from a local CA,
# and nginx (Debian's nginx-light) terminating TLS on that address's port 443 and proxying to a
# plain-HTTP server on 127.0.0.1 (sending Host and X-Forwarded-Proto: https). Needs root.
#
#   deploy/fedlab/fedlab.sh up       # CA and certificates, /etc/hosts entries, nginx; prints the env
#   deploy/fedlab/fedlab.sh down     # stops nginx, removes the /etc/hosts entries (always safe)
#   deploy/fedlab/fedlab.sh status   # what is up
#
# Environment:
#   FEDLAB_DIR    work directory (CA, certificates, nginx config, pid and logs); /tmp/hashchat-fedlab
#   FEDLAB_SITES  "name=address:port ..." (port: the plain-HTTP server behind the name); default
#                 "chat-a.test=127.0.0.2:18401 takahe.test=127.0.0.3:18300 chat-b.test=127.0.0.4:18402"
# `up` prints, on its last line, the variables that make Python clients (httpx through
# SSL_CERT_FILE, requests and Mastodon.py through REQUESTS_CA_BUNDLE) trust the lab's CA.
set -euo pipefail
DIR=${FEDLAB_DIR:-/tmp/hashchat-fedlab}
SITES=${FEDLAB_SITES:-"chat-a.test=127.0.0.2:18401 takahe.test=127.0.0.3:18300 chat-b.test=127.0.0.4:18402"}
MARK="# hashchat-fedlab"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

hosts_without_lab() {
  # /etc/hosts may be a bind mount (containers): rewrite it in place, never replace the file.
  local kept
  kept=$(grep -v -- "$MARK\$" /etc/hosts || true)
  printf '%s\n' "$kept" > /etc/hosts
}

stop_nginx() {
  if [ -f "$DIR/nginx.pid" ]; then
    local pid
    pid=$(cat "$DIR/nginx.pid")
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$DIR/nginx.pid"
  fi
}

stop_servers() {
  # The servers a test run started, even when that run was killed: $DIR/pids names process
  # groups, one per line, or files that list them (Takahē's setup.sh writes its own). A group is
  # stopped only if its leader still trusts this lab's CA, so that a process id reused by someone
  # else's process is left alone.
  [ -f "$DIR/pids" ] || return 0
  local line pid groups=() signal
  while read -r line; do
    case "$line" in
      "") ;;
      /*) [ -f "$line" ] && while read -r pid; do groups+=("$pid"); done < "$line" ;;
      *) groups+=("$line") ;;
    esac
  done < "$DIR/pids"
  for signal in TERM KILL; do
    for pid in "${groups[@]}"; do
      [ -n "$pid" ] && [ -r "/proc/$pid/environ" ] || continue
      tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx "SSL_CERT_FILE=$DIR/tls/bundle.pem" \
        && kill "-$signal" -- "-$pid" 2>/dev/null && [ "$signal" = TERM ] && sleep 1
    done
  done
  rm -f "$DIR/pids"
}

down() {
  stop_servers
  stop_nginx
  hosts_without_lab
}

status() {
  if [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then
    echo "nginx: running (pid $(cat "$DIR/nginx.pid"))"
  else
    echo "nginx: stopped"
  fi
  grep -- "$MARK\$" /etc/hosts || echo "hosts: no lab entries"
}

certificate() {  # certificate NAME: a key and a certificate for NAME signed by the lab's CA
  local name=$1 tls=$DIR/tls
  [ -f "$tls/$name.pem" ] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$tls/$name.key" \
    -out "$tls/$name.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$name" > "$tls/$name.ext"
  openssl x509 -req -in "$tls/$name.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" \
    -CAcreateserial -days 30 -extfile "$tls/$name.ext" -out "$tls/$name.pem" 2>/dev/null
}

up() {
  if [ ! -x "$NGINX" ]; then
    apt-get install -y nginx-light >/dev/null 2>&1 \
      || { apt-get update >/dev/null && apt-get install -y nginx-light >/dev/null; }
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
  fi
  mkdir -p "$DIR/tls" "$DIR/nginx-temp"
  if [ ! -f "$DIR/tls/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=hashchat fedlab CA" \
      -keyout "$DIR/tls/ca.key" -out "$DIR/tls/ca.pem" 2>/dev/null
  fi
  local site name address port
  for site in $SITES; do certificate "${site%%=*}"; done
  local bundle
  bundle=$(python3 -c "import certifi; print(certifi.where())" 2>/dev/null \
    || echo /etc/ssl/certs/ca-certificates.crt)
  cat "$bundle" "$DIR/tls/ca.pem" > "$DIR/tls/bundle.pem"

  stop_nginx
  : > "$DIR/nginx-access.log"; : > "$DIR/nginx-signed.log"
  {
    echo "worker_processes 1; error_log $DIR/nginx-error.log; pid $DIR/nginx.pid;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    # One line per request, the site's name first: the journeys read which inbox POSTs each
    # server accepted (2xx) or refused (401) from this log.
    echo "  log_format lab '\$host \$request_method \$request_uri \$status \$msec \"\$http_user_agent\"';"
    echo "  access_log $DIR/nginx-access.log lab; client_max_body_size 40m;"
    # Every signed request whole (JSON lines: what was signed, and the body), so that the
    # journeys can check one server's signatures with another implementation's verifier.
    echo "  client_body_buffer_size 1m;"
    echo "  log_format signed escape=json '{\"host\":\"\$host\",\"method\":\"\$request_method\",'"
    echo "    '\"uri\":\"\$request_uri\",\"status\":\"\$status\",\"date\":\"\$http_date\",'"
    echo "    '\"digest\":\"\$http_digest\",\"accept\":\"\$http_accept\",'"
    echo "    '\"content_type\":\"\$content_type\",\"signature\":\"\$http_signature\",'"
    echo "    '\"agent\":\"\$http_user_agent\",\"body\":\"\$request_body\"}';"
    echo "  access_log $DIR/nginx-signed.log signed if=\$http_signature;"
    echo "  client_body_temp_path $DIR/nginx-temp/body; proxy_temp_path $DIR/nginx-temp/proxy;"
    echo "  fastcgi_temp_path $DIR/nginx-temp/fastcgi; uwsgi_temp_path $DIR/nginx-temp/uwsgi;"
    echo "  scgi_temp_path $DIR/nginx-temp/scgi;"
    echo "  proxy_http_version 1.1; proxy_buffering off; proxy_read_timeout 3600s;"
    echo "  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }"
    for site in $SITES; do
      name=${site%%=*}; address=${site#*=}; port=${address##*:}; address=${address%%:*}
      echo "  server {"
      echo "    listen $address:443 ssl; server_name $name;"
      echo "    ssl_certificate $DIR/tls/$name.pem; ssl_certificate_key $DIR/tls/$name.key;"
      echo "    location / {"
      echo "      proxy_pass http://127.0.0.1:$port;"
      echo "      proxy_set_header Host \$host; proxy_set_header X-Forwarded-Proto https;"
      echo "      proxy_set_header X-Forwarded-For \$remote_addr;"
      echo "      proxy_set_header Upgrade \$http_upgrade;"
      echo "      proxy_set_header Connection \$connection_upgrade;"
      echo "    }"
      echo "  }"
    done
    echo "}"
  } > "$DIR/nginx.conf"

  hosts_without_lab
  for site in $SITES; do
    name=${site%%=*}; address=${site#*=}; address=${address%%:*}
    echo "$address $name $MARK" >> /etc/hosts
  done
  if ! "$NGINX" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log" 2>"$DIR/nginx-start.log"; then
    cat "$DIR/nginx-start.log" >&2
    hosts_without_lab
    echo "fedlab: nginx did not start (another lab on these addresses?)" >&2
    exit 1
  fi
  echo "export SSL_CERT_FILE=$DIR/tls/bundle.pem REQUESTS_CA_BUNDLE=$DIR/tls/bundle.pem"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
