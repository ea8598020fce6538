// SQS' query protocol (form-encoded Action=…, XML answers) in front of fauxqs, which speaks only SQS' JSON protocol.
// Debian's AWS CLI (2.9.x) and other older clients still send the query protocol for SQS; without this they get
// "InvalidAction: Unknown action". Every other request (SQS JSON, SNS query) goes to fauxqs unchanged.
import http from "node:http";
import { randomUUID } from "node:crypto";

const NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";

/** The SQS actions translated: what the README and an operator's shell use. */
const ACTIONS = new Set([
  "ListQueues", "GetQueueUrl", "CreateQueue", "DeleteQueue", "PurgeQueue", "GetQueueAttributes", "SetQueueAttributes",
  "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
]);

const escapeXml = (text) => String(text)
  .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
const element = (name, value) => (value === undefined || value === null ? "" : `<${name}>${escapeXml(value)}</${name}>`);

/** Numbered members of a query request: prefix.1, prefix.2, … (or prefix.N.suffix). */
function members(params, prefix, suffix = "") {
  const values = [];
  for (let i = 1; params.has(`${prefix}.${i}${suffix}`); i++) {
    values.push(params.get(`${prefix}.${i}${suffix}`));
  }
  return values;
}

function messageAttributes(params) {
  const attributes = {};
  for (let i = 1; params.has(`MessageAttribute.${i}.Name`); i++) {
    const value = { DataType: params.get(`MessageAttribute.${i}.Value.DataType`) };
    if (params.has(`MessageAttribute.${i}.Value.StringValue`)) value.StringValue = params.get(`MessageAttribute.${i}.Value.StringValue`);
    if (params.has(`MessageAttribute.${i}.Value.BinaryValue`)) value.BinaryValue = params.get(`MessageAttribute.${i}.Value.BinaryValue`);
    attributes[params.get(`MessageAttribute.${i}.Name`)] = value;
  }
  return attributes;
}

function queueAttributes(params) {
  const attributes = {};
  for (let i = 1; params.has(`Attribute.${i}.Name`); i++) {
    attributes[params.get(`Attribute.${i}.Name`)] = params.get(`Attribute.${i}.Value`);
  }
  return attributes;
}

/** The JSON request of a query request. */
function jsonRequest(action, params, path) {
  const queueUrl = params.get("QueueUrl") ?? (path && path !== "/" ? path : undefined);
  const number = (name) => (params.has(name) ? Number(params.get(name)) : undefined);
  switch (action) {
    case "ListQueues": return { QueueNamePrefix: params.get("QueueNamePrefix") ?? undefined, MaxResults: number("MaxResults") };
    case "GetQueueUrl": return { QueueName: params.get("QueueName") };
    case "CreateQueue": return { QueueName: params.get("QueueName"), Attributes: queueAttributes(params) };
    case "DeleteQueue":
    case "PurgeQueue": return { QueueUrl: queueUrl };
    case "GetQueueAttributes": return { QueueUrl: queueUrl, AttributeNames: members(params, "AttributeName") };
    case "SetQueueAttributes": return { QueueUrl: queueUrl, Attributes: queueAttributes(params) };
    case "SendMessage": return {
      QueueUrl: queueUrl, MessageBody: params.get("MessageBody"), DelaySeconds: number("DelaySeconds"),
      MessageAttributes: messageAttributes(params), MessageGroupId: params.get("MessageGroupId") ?? undefined,
      MessageDeduplicationId: params.get("MessageDeduplicationId") ?? undefined,
    };
    case "ReceiveMessage": return {
      QueueUrl: queueUrl, MaxNumberOfMessages: number("MaxNumberOfMessages"), WaitTimeSeconds: number("WaitTimeSeconds"),
      VisibilityTimeout: number("VisibilityTimeout"), AttributeNames: members(params, "AttributeName"),
      MessageAttributeNames: members(params, "MessageAttributeName"),
    };
    case "DeleteMessage": return { QueueUrl: queueUrl, ReceiptHandle: params.get("ReceiptHandle") };
    case "ChangeMessageVisibility": return {
      QueueUrl: queueUrl, ReceiptHandle: params.get("ReceiptHandle"), VisibilityTimeout: number("VisibilityTimeout"),
    };
    default: throw new Error(`unsupported action ${action}`);
  }
}

/** The XML result element of a JSON answer. */
function xmlResult(action, answer) {
  switch (action) {
    case "ListQueues": return (answer.QueueUrls ?? []).map((url) => element("QueueUrl", url)).join("");
    case "GetQueueUrl":
    case "CreateQueue": return element("QueueUrl", answer.QueueUrl);
    case "GetQueueAttributes": return Object.entries(answer.Attributes ?? {})
      .map(([name, value]) => `<Attribute>${element("Name", name)}${element("Value", value)}</Attribute>`).join("");
    case "SendMessage": return element("MessageId", answer.MessageId) + element("MD5OfMessageBody", answer.MD5OfMessageBody)
      + element("MD5OfMessageAttributes", answer.MD5OfMessageAttributes) + element("SequenceNumber", answer.SequenceNumber);
    case "ReceiveMessage": return (answer.Messages ?? []).map((message) => "<Message>"
      + element("MessageId", message.MessageId) + element("ReceiptHandle", message.ReceiptHandle)
      + element("MD5OfBody", message.MD5OfBody) + element("Body", message.Body)
      + element("MD5OfMessageAttributes", message.MD5OfMessageAttributes)
      + Object.entries(message.Attributes ?? {})
        .map(([name, value]) => `<Attribute>${element("Name", name)}${element("Value", value)}</Attribute>`).join("")
      + Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => `<MessageAttribute>${element("Name", name)}<Value>`
        + element("StringValue", value.StringValue) + element("BinaryValue", value.BinaryValue)
        + element("DataType", value.DataType) + "</Value></MessageAttribute>").join("")
      + "</Message>").join("");
    default: return "";
  }
}

/** The query protocol's error code of a JSON error type ("com.amazonaws.sqs#QueueDoesNotExist"). */
function errorCode(type) {
  const name = String(type ?? "InternalError").split("#").pop();
  return name === "QueueDoesNotExist" ? "AWS.SimpleQueueService.NonExistentQueue" : name;
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function forward(target, request, body) {
  return new Promise((resolve, reject) => {
    const upstream = http.request({ host: "127.0.0.1", port: target, method: request.method, path: request.url,
      headers: request.headers }, resolve);
    upstream.on("error", reject);
    upstream.end(body);
  });
}

function callJson(target, host, action, payload) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const upstream = http.request({ host: "127.0.0.1", port: target, method: "POST", path: "/", headers: {
      "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}`,
      "content-length": Buffer.byteLength(body), host,
      // fauxqs reads the region from the signature's scope
      authorization: "AWS4-HMAC-SHA256 Credential=local/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0",
    } }, (answer) => {
      readBody(answer).then((text) => resolve({ status: answer.statusCode, json: text.length ? JSON.parse(text) : {} }), reject);
    });
    upstream.on("error", reject);
    upstream.end(body);
  });
}

/** A front server on {@code port} that translates SQS query requests and passes everything else to fauxqs on {@code target}. */
export function startQueryProtocolFront(port, target) {
  const server = http.createServer(async (request, response) => {
    try {
      const body = await readBody(request);
      const form = String(request.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded");
      const params = form ? new URLSearchParams(body.toString("utf8")) : null;
      const action = params?.get("Action");
      if (!form || request.headers["x-amz-target"] || !ACTIONS.has(action)) {
        const upstream = await forward(target, request, body);
        response.writeHead(upstream.statusCode, upstream.headers);
        upstream.pipe(response);
        return;
      }
      const answer = await callJson(target, request.headers.host, action, jsonRequest(action, params, new URL(request.url, "http://x").pathname));
      const requestId = randomUUID();
      response.setHeader("content-type", "text/xml");
      if (answer.status >= 400) {
        response.writeHead(answer.status);
        response.end(`<?xml version="1.0"?><ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type>`
          + `${element("Code", errorCode(answer.json.__type))}${element("Message", answer.json.message ?? answer.json.Message ?? "")}`
          + `<Detail/></Error>${element("RequestId", requestId)}</ErrorResponse>`);
        return;
      }
      response.writeHead(200);
      response.end(`<?xml version="1.0"?><${action}Response xmlns="${NAMESPACE}"><${action}Result>${xmlResult(action, answer.json)}`
        + `</${action}Result><ResponseMetadata>${element("RequestId", requestId)}</ResponseMetadata></${action}Response>`);
    } catch (failure) {
      response.writeHead(500, { "content-type": "text/plain" });
      response.end(String(failure?.message ?? failure));
    }
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}
