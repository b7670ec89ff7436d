# The ariflow engine + API. TypeScript runs through tsx, so the image carries the sources as they are.
FROM node:20-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends espeak-ng sox \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY lib/ lib/
COPY callflows/ callflows/
COPY examples/ examples/
RUN mkdir -p /var/lib/ariflow/media && chmod 1777 /var/lib/ariflow/media
ENV HTTP_HOST=0.0.0.0 HTTP_PORT=8000 NODE_ENV=production
EXPOSE 8000
USER node
CMD ["node", "--import", "tsx", "lib/cli/serve.ts"]
