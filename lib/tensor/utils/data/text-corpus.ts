/**
 * A small text corpus for a character-level language model, shipped in the repository so it
 * works offline and in the cell worker: fourteen of Shakespeare's sonnets.
 *
 * Source and licence: William Shakespeare, "Shake-speares Sonnets" (London: Thomas Thorpe,
 * 1609). The work is in the public domain everywhere (the author died in 1616); the text below
 * is a plain modern-spelling transcription typed for Gradbook (no edition's notes, apparatus or
 * licence header is copied), so it carries no restriction. Why this text: it is public domain
 * beyond doubt, small (about 8 KB, 14 x 14 lines, enough for a char-level model to learn
 * spelling, line breaks and the iambic rhythm in a few minutes in the browser), and its fixed
 * form makes the model's progress easy to see.
 *
 *   const ds = new utils.data.CharDataset(utils.data.SONNETS.text, 32);
 *   const [x, y] = ds.get(0);              // int64 [32] each; y is x shifted by one character
 *   ds.tokenizer.decode(x.tolist())        // back to text
 */
import { parseArgs, type PyArgs } from "../../args";
import { int64 } from "../../dtype";
import { IndexError, ValueError } from "../../errors";
import { from_array } from "../../ops/creation";
import type { Tensor } from "../../tensor";
import { Dataset } from "./dataset";

const SONNET_TEXT: string = `I

From fairest creatures we desire increase,
That thereby beauty's rose might never die,
But as the riper should by time decease,
His tender heir might bear his memory:
But thou, contracted to thine own bright eyes,
Feed'st thy light's flame with self-substantial fuel,
Making a famine where abundance lies,
Thyself thy foe, to thy sweet self too cruel.
Thou that art now the world's fresh ornament
And only herald to the gaudy spring,
Within thine own bud buriest thy content
And, tender churl, mak'st waste in niggarding.
Pity the world, or else this glutton be,
To eat the world's due, by the grave and thee.

XVIII

Shall I compare thee to a summer's day?
Thou art more lovely and more temperate:
Rough winds do shake the darling buds of May,
And summer's lease hath all too short a date:
Sometime too hot the eye of heaven shines,
And often is his gold complexion dimmed;
And every fair from fair sometime declines,
By chance, or nature's changing course, untrimmed:
But thy eternal summer shall not fade,
Nor lose possession of that fair thou ow'st,
Nor shall Death brag thou wander'st in his shade,
When in eternal lines to time thou grow'st:
So long as men can breathe, or eyes can see,
So long lives this, and this gives life to thee.

XXIX

When, in disgrace with fortune and men's eyes,
I all alone beweep my outcast state,
And trouble deaf heaven with my bootless cries,
And look upon myself and curse my fate,
Wishing me like to one more rich in hope,
Featured like him, like him with friends possessed,
Desiring this man's art and that man's scope,
With what I most enjoy contented least;
Yet in these thoughts myself almost despising,
Haply I think on thee, and then my state,
Like to the lark at break of day arising
From sullen earth, sings hymns at heaven's gate;
For thy sweet love remembered such wealth brings
That then I scorn to change my state with kings.

XXX

When to the sessions of sweet silent thought
I summon up remembrance of things past,
I sigh the lack of many a thing I sought,
And with old woes new wail my dear time's waste:
Then can I drown an eye, unused to flow,
For precious friends hid in death's dateless night,
And weep afresh love's long since cancelled woe,
And moan the expense of many a vanished sight:
Then can I grieve at grievances foregone,
And heavily from woe to woe tell o'er
The sad account of fore-bemoaned moan,
Which I new pay as if not paid before.
But if the while I think on thee, dear friend,
All losses are restored and sorrows end.

LV

Not marble, nor the gilded monuments
Of princes, shall outlive this powerful rhyme;
But you shall shine more bright in these contents
Than unswept stone, besmeared with sluttish time.
When wasteful war shall statues overturn,
And broils root out the work of masonry,
Nor Mars his sword nor war's quick fire shall burn
The living record of your memory.
'Gainst death and all-oblivious enmity
Shall you pace forth; your praise shall still find room
Even in the eyes of all posterity
That wear this world out to the ending doom.
So, till the judgment that yourself arise,
You live in this, and dwell in lovers' eyes.

LX

Like as the waves make towards the pebbled shore,
So do our minutes hasten to their end;
Each changing place with that which goes before,
In sequent toil all forwards do contend.
Nativity, once in the main of light,
Crawls to maturity, wherewith being crowned,
Crooked eclipses 'gainst his glory fight,
And Time that gave doth now his gift confound.
Time doth transfix the flourish set on youth
And delves the parallels in beauty's brow,
Feeds on the rarities of nature's truth,
And nothing stands but for his scythe to mow:
And yet to times in hope my verse shall stand,
Praising thy worth, despite his cruel hand.

LXV

Since brass, nor stone, nor earth, nor boundless sea,
But sad mortality o'ersways their power,
How with this rage shall beauty hold a plea,
Whose action is no stronger than a flower?
O, how shall summer's honey breath hold out
Against the wrackful siege of battering days,
When rocks impregnable are not so stout,
Nor gates of steel so strong, but Time decays?
O fearful meditation! where, alack,
Shall Time's best jewel from Time's chest lie hid?
Or what strong hand can hold his swift foot back?
Or who his spoil of beauty can forbid?
O, none, unless this miracle have might,
That in black ink my love may still shine bright.

LXXI

No longer mourn for me when I am dead
Than you shall hear the surly sullen bell
Give warning to the world that I am fled
From this vile world, with vilest worms to dwell:
Nay, if you read this line, remember not
The hand that writ it; for I love you so
That I in your sweet thoughts would be forgot
If thinking on me then should make you woe.
O, if, I say, you look upon this verse
When I perhaps compounded am with clay,
Do not so much as my poor name rehearse,
But let your love even with my life decay,
Lest the wise world should look into your moan
And mock you with me after I am gone.

LXXIII

That time of year thou mayst in me behold
When yellow leaves, or none, or few, do hang
Upon those boughs which shake against the cold,
Bare ruined choirs, where late the sweet birds sang.
In me thou see'st the twilight of such day
As after sunset fadeth in the west,
Which by and by black night doth take away,
Death's second self, that seals up all in rest.
In me thou see'st the glowing of such fire
That on the ashes of his youth doth lie,
As the death-bed whereon it must expire,
Consumed with that which it was nourished by.
This thou perceiv'st, which makes thy love more strong,
To love that well which thou must leave ere long.

XCIV

They that have power to hurt and will do none,
That do not do the thing they most do show,
Who, moving others, are themselves as stone,
Unmoved, cold, and to temptation slow,
They rightly do inherit heaven's graces
And husband nature's riches from expense;
They are the lords and owners of their faces,
Others but stewards of their excellence.
The summer's flower is to the summer sweet,
Though to itself it only live and die,
But if that flower with base infection meet,
The basest weed outbraves his dignity:
For sweetest things turn sourest by their deeds;
Lilies that fester smell far worse than weeds.

XCVII

How like a winter hath my absence been
From thee, the pleasure of the fleeting year!
What freezings have I felt, what dark days seen!
What old December's bareness everywhere!
And yet this time removed was summer's time,
The teeming autumn, big with rich increase,
Bearing the wanton burden of the prime,
Like widowed wombs after their lords' decease:
Yet this abundant issue seemed to me
But hope of orphans and unfathered fruit;
For summer and his pleasures wait on thee,
And, thou away, the very birds are mute;
Or, if they sing, 'tis with so dull a cheer
That leaves look pale, dreading the winter's near.

CIV

To me, fair friend, you never can be old,
For as you were when first your eye I eyed,
Such seems your beauty still. Three winters cold
Have from the forests shook three summers' pride,
Three beauteous springs to yellow autumn turned
In process of the seasons have I seen,
Three April perfumes in three hot Junes burned,
Since first I saw you fresh, which yet are green.
Ah! yet doth beauty, like a dial-hand,
Steal from his figure, and no pace perceived;
So your sweet hue, which methinks still doth stand,
Hath motion, and mine eye may be deceived:
For fear of which, hear this, thou age unbred;
Ere you were born was beauty's summer dead.

CXVI

Let me not to the marriage of true minds
Admit impediments. Love is not love
Which alters when it alteration finds,
Or bends with the remover to remove:
O no! it is an ever-fixed mark
That looks on tempests and is never shaken;
It is the star to every wandering bark,
Whose worth's unknown, although his height be taken.
Love's not Time's fool, though rosy lips and cheeks
Within his bending sickle's compass come;
Love alters not with his brief hours and weeks,
But bears it out even to the edge of doom.
If this be error and upon me proved,
I never writ, nor no man ever loved.

CXXX

My mistress' eyes are nothing like the sun;
Coral is far more red than her lips' red;
If snow be white, why then her breasts are dun;
If hairs be wires, black wires grow on her head.
I have seen roses damasked, red and white,
But no such roses see I in her cheeks;
And in some perfumes is there more delight
Than in the breath that from my mistress reeks.
I love to hear her speak, yet well I know
That music hath a far more pleasing sound;
I grant I never saw a goddess go;
My mistress, when she walks, treads on the ground:
And yet, by heaven, I think my love as rare
As any she belied with false compare.
`;

/** The corpus with where it comes from and why it may be used. */
export const SONNETS = Object.freeze({
  title: "Shakespeare's Sonnets (I, XVIII, XXIX, XXX, LV, LX, LXV, LXXI, LXXIII, XCIV, XCVII, CIV, CXVI, CXXX)",
  author: "William Shakespeare",
  source: "Shake-speares Sonnets, London: Thomas Thorpe, 1609; modern-spelling transcription typed for Gradbook",
  licence: "Public domain (published 1609; author died 1616)",
  text: SONNET_TEXT,
});

/** Characters <-> ids: the sorted distinct characters of a text, as in Karpathy's char-rnn/minGPT. */
export class CharTokenizer {
  /** The vocabulary in id order. */
  readonly chars: readonly string[];
  readonly stoi: ReadonlyMap<string, number>;

  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.stoi = new Map(this.chars.map((c, i) => [c, i]));
  }

  get vocab_size(): number {
    return this.chars.length;
  }

  encode(s: string): number[] {
    return [...s].map((c) => {
      const id = this.stoi.get(c);
      if (id === undefined) throw new ValueError(`character ${JSON.stringify(c)} is not in the vocabulary`);
      return id;
    });
  }

  decode(ids: Iterable<number> | Tensor): string {
    const list = (typeof (ids as Tensor).tolist === "function" ? ((ids as Tensor).reshape(-1).tolist() as number[]) : [...(ids as Iterable<number>)]);
    return list
      .map((i) => {
        const c = this.chars[i];
        if (c === undefined) throw new IndexError(`token id ${i} is outside the vocabulary (size ${this.chars.length})`);
        return c;
      })
      .join("");
  }
}

/**
 * Next-character prediction windows: sample i is [x, y] with x = text[i : i + block_size] and
 * y = text[i + 1 : i + block_size + 1], as int64 ids (so every position of x is a training
 * example whose label sits at the same position of y).
 */
export class CharDataset extends Dataset<[Tensor, Tensor]> {
  readonly tokenizer: CharTokenizer;
  /** The whole text as int64 ids [len(text)]. */
  readonly data: Tensor;

  constructor(
    text: string,
    readonly block_size: number,
    ...args: PyArgs<[tokenizer?: CharTokenizer], { tokenizer?: CharTokenizer }>
  ) {
    super();
    // an unknown keyword raises rather than being taken for the tokenizer
    const { tokenizer } = parseArgs<{ tokenizer?: CharTokenizer }>("CharDataset", ["tokenizer"], args);
    if (!Number.isInteger(block_size) || block_size < 1) throw new ValueError(`block_size must be a positive integer, got ${String(block_size)}`);
    this.tokenizer = tokenizer ?? new CharTokenizer(text);
    const ids = this.tokenizer.encode(text);
    if (ids.length < block_size + 1) throw new ValueError(`the text has ${ids.length} characters; block_size ${block_size} needs at least ${block_size + 1}`);
    this.data = from_array(Float64Array.from(ids), [ids.length]).to(int64);
  }

  __len__(): number {
    return this.data.shape[0] - this.block_size;
  }

  __getitem__(index: number): [Tensor, Tensor] {
    const n = this.__len__();
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new IndexError(`index ${index} is out of range for a dataset of ${n} windows`);
    return [this.data.narrow(0, i, this.block_size), this.data.narrow(0, i + 1, this.block_size)];
  }
}
