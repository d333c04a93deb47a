// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output of sgwctl (see output.h), JSON through json-c.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "output.h"
#include "base/sgw_units.h"

#define OUTPUT_DEPTH_MAX 16

static bool json_mode;
static bool json_pretty;
static struct json_object *stack[OUTPUT_DEPTH_MAX];
static unsigned int depth;
static bool line_started;	/* text: something printed on this line */

void output_init(bool json, bool pretty)
{
	json_mode = json;
	json_pretty = pretty;
}

bool output_is_json(void)
{
	return json_mode;
}

static void push(struct json_object *o)
{
	if (depth == OUTPUT_DEPTH_MAX) {
		fprintf(stderr, "sgwctl: output nested too deeply\n");
		abort();
	}
	stack[depth++] = o;
}

/* Attach a value to the object or array being built, under key. */
static void attach_value(const char *key, struct json_object *o, bool is_null)
{
	struct json_object *parent;

	if (!o && !is_null) {
		fprintf(stderr, "sgwctl: out of memory\n");
		exit(1);
	}
	if (!depth) {
		json_object_put(o);
		return;
	}
	parent = stack[depth - 1];
	if (json_object_is_type(parent, json_type_array))
		json_object_array_add(parent, o);
	else
		json_object_object_add(parent, key ? key : "", o);
}

static void attach(const char *key, struct json_object *o)
{
	attach_value(key, o, false);
}

/* json-c represents null as a NULL object. */
static void attach_null(const char *key)
{
	attach_value(key, NULL, true);
}

void output_begin_array(void)
{
	line_started = false;
	if (json_mode)
		push(json_object_new_array());
}

void output_begin_object(void)
{
	line_started = false;
	if (json_mode)
		push(json_object_new_object());
}

void output_end(void)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;

	if (!json_mode) {
		if (line_started)
			putchar('\n');
		line_started = false;
		fflush(stdout);
		return;
	}
	if (!depth)
		return;
	flags |= json_pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED :
			       JSON_C_TO_STRING_PLAIN;
	puts(json_object_to_json_string_ext(stack[0], flags));
	fflush(stdout);
	json_object_put(stack[0]);
	depth = 0;
}

void output_discard(void)
{
	if (!json_mode) {
		output_end();
		return;
	}
	if (depth)
		json_object_put(stack[0]);
	depth = 0;
}

void open_json_object(const char *key)
{
	struct json_object *o;

	if (!json_mode)
		return;
	o = json_object_new_object();
	attach(key, o);
	push(o);
}

void close_json_object(void)
{
	if (json_mode && depth > 1)
		depth--;
}

void open_json_array(const char *key)
{
	struct json_object *o;

	if (!json_mode)
		return;
	o = json_object_new_array();
	attach(key, o);
	push(o);
}

void close_json_array(void)
{
	if (json_mode && depth > 1)
		depth--;
}

static void text_item(const char *label, const char *value)
{
	if (line_started)
		putchar(' ');
	if (label && value)
		printf("%s %s", label, value);
	else
		fputs(label ? label : value, stdout);
	line_started = true;
}

void print_string(enum output_type t, const char *key, const char *label,
		  const char *value)
{
	if (json_mode) {
		if (!(t & PRINT_JSON))
			return;
		if (value)
			attach(key, json_object_new_string(value));
		else
			attach_null(key);
	} else if (t & PRINT_FP) {
		text_item(label, value ? value : "none");
	}
}

void print_u64(enum output_type t, const char *key, const char *label,
	       uint64_t value)
{
	char buf[32];

	if (json_mode) {
		if (t & PRINT_JSON)
			attach(key, json_object_new_uint64(value));
	} else if (t & PRINT_FP) {
		snprintf(buf, sizeof(buf), "%" PRIu64, value);
		text_item(label, buf);
	}
}

void print_bool(enum output_type t, const char *key, const char *label,
		bool value)
{
	if (json_mode) {
		if (t & PRINT_JSON)
			attach(key, json_object_new_boolean(value));
	} else if ((t & PRINT_FP) && value && label) {
		text_item(label, NULL);
	}
}

void print_rate(enum output_type t, const char *key, const char *label,
		uint64_t bps)
{
	char buf[64];

	if (json_mode) {
		print_u64(t, key, label, bps);
	} else if (t & PRINT_FP) {
		sgw_format_rate(bps, buf, sizeof(buf));
		text_item(label, buf);
	}
}

void print_size(enum output_type t, const char *key, const char *label,
		uint64_t bytes)
{
	char buf[64];

	if (json_mode) {
		print_u64(t, key, label, bytes);
	} else if (t & PRINT_FP) {
		sgw_format_size(bytes, buf, sizeof(buf));
		text_item(label, buf);
	}
}

void print_float(enum output_type t, const char *key, const char *label,
		 double value, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, value);
	if (json_mode) {
		if (t & PRINT_JSON)
			attach(key, json_object_new_double_s(value, buf));
	} else if (t & PRINT_FP) {
		text_item(label, buf);
	}
}

void print_label(const char *word)
{
	if (!json_mode)
		text_item(word, NULL);
}

void print_textf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (json_mode)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_item(buf, NULL);
}

void print_nl(unsigned int indent)
{
	if (json_mode)
		return;
	if (line_started)
		putchar('\n');
	line_started = false;
	if (indent) {
		printf("%*s", (int)indent, "");
		/* the indent is not an item: no separator before the first one */
	}
}
