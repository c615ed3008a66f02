import { z } from "zod";
import { passwordSchema, usernameSchema } from "@/lib/api/schemas";

/** Sign-up and sign-in bodies. */
export const credentialsBodySchema = z.object({ username: usernameSchema, password: passwordSchema }).strict();
