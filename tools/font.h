/* font.h - a small built-in 5x8 bitmap font for labels in images. */
#ifndef FMNIST_FONT_H
#define FMNIST_FONT_H

#include <stddef.h>
#include <stdint.h>

enum { FONT_W = 5, FONT_H = 8, FONT_ADVANCE = 6 };

/* Width in pixels of `text` drawn at scale 1 (0 for ""). */
size_t font_width(const char *text);

/* Draws `text` with its top-left corner at (x, y) into a w x h grey image,
 * setting glyph pixels to `value`; what falls outside is clipped.
 * Characters the font lacks are drawn as '?'. */
void font_draw(uint8_t *img, size_t w, size_t h, size_t x, size_t y,
               const char *text, uint8_t value);

#endif
