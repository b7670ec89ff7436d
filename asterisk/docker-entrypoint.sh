#!/bin/sh
# Renders ari.conf from the environment (the password never lives in the image) and runs Asterisk.
set -eu
: "${ARI_USERNAME:=ariflow}"
: "${ARI_PASSWORD:?set ARI_PASSWORD}"
sed -e "s/@ARI_USERNAME@/$ARI_USERNAME/" -e "s/@ARI_PASSWORD@/$ARI_PASSWORD/" \
  /etc/ariflow-asterisk/ari.conf.template > /etc/ariflow-asterisk/ari.conf
chmod 600 /etc/ariflow-asterisk/ari.conf
rm -f /var/lib/asterisk/astdb.sqlite3
exec /usr/sbin/asterisk -f -n -C /etc/ariflow-asterisk/asterisk.conf
