/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One print path for text and JSON, in the manner of iproute2's print_*
 * helpers: every value is printed once, with a JSON key and a text label;
 * the mode chosen at start-up decides which of the two is used.
 *
 * Text: items of a line are "label value" pairs separated by one space,
 * print_nl() ends the line. JSON: open_json_object()/open_json_array()
 * build the document, output_end() writes it to stdout.
 */
#ifndef SGWCTL_OUTPUT_H
#define SGWCTL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

enum output_type {
	PRINT_FP = 1,		/* text only */
	PRINT_JSON = 2,		/* JSON only */
	PRINT_ANY = 3,		/* both */
};

void output_init(bool json, bool pretty);
bool output_is_json(void);

/* A document: a JSON array (show), or a single JSON object (one event). */
void output_begin_array(void);
void output_begin_object(void);
/* Write the document (JSON) or finish the current line (text). */
void output_end(void);
/* Drop the document being built (after an error): JSON prints nothing. */
void output_discard(void);

/* key is NULL inside an array. */
void open_json_object(const char *key);
void close_json_object(void);
void open_json_array(const char *key);
void close_json_array(void);

/* text: "label value" (label may be NULL); JSON: "key": value */
void print_string(enum output_type t, const char *key, const char *label,
		  const char *value);
void print_u64(enum output_type t, const char *key, const char *label,
	       uint64_t value);
/* JSON: true/false; text: the label alone, when value is true. */
void print_bool(enum output_type t, const char *key, const char *label,
		bool value);
/* JSON: bits/s; text: "label 10mbit". */
void print_rate(enum output_type t, const char *key, const char *label,
		uint64_t bps);
/* JSON: bytes; text: "label 15k". */
void print_size(enum output_type t, const char *key, const char *label,
		uint64_t bytes);
/* JSON: a number with DECIMALS digits after the point; text: "label 9.5". */
void print_float(enum output_type t, const char *key, const char *label,
		 double value, int decimals);
/* Text only: a word on its own ("packets:"). */
void print_label(const char *word);
/* Text only: one item made by a format ("5:", "age 12s", "10.0.0.1[500]"),
 * beside the values printed for JSON alone. */
void print_textf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Text only: end the line; indent > 0 starts the next one indented. */
void print_nl(unsigned int indent);

#endif
